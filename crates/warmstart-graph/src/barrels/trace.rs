//! Where an exported name really comes from: follow `export { a as b }
//! from`, the import-then-export form and `export * from` chains through
//! the graph's own resolution (each re-export's specifier is an edge of the
//! module), down to the module that defines the name. The chain of every
//! module passed through is kept, so the rewrite can stop at the deepest
//! one the importer may import.

use std::collections::HashMap;

use super::exports::{Imported, Table, read};
use crate::build::ModuleGraph;

/// One module on a name's chain and the name it has there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub module: u32,
    pub name: Imported,
    /// The specifier the previous module of the chain reached this one by.
    pub via: Option<String>,
}

/// Why a name cannot be traced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceError {
    NotExported {
        module: u32,
        name: String,
    },
    Ambiguous {
        module: u32,
        name: String,
    },
    /// Passed on by `export * from` a package outside the repository.
    Outside {
        module: u32,
        name: String,
        specifier: String,
    },
    Unreadable {
        module: u32,
        why: String,
    },
    Cycle {
        module: u32,
        name: String,
    },
}

impl TraceError {
    pub fn describe(&self, graph: &ModuleGraph) -> String {
        let path = |m: &u32| graph.modules[*m as usize].path.as_str();
        match self {
            TraceError::NotExported { module, name } => {
                format!("`{name}` is not exported by {}", path(module))
            }
            TraceError::Ambiguous { module, name } => format!(
                "`{name}` comes from more than one `export *` of {}",
                path(module)
            ),
            TraceError::Outside {
                module,
                name,
                specifier,
            } => format!(
                "`{name}` may come from `export * from \"{specifier}\"` in {} (outside the repository)",
                path(module)
            ),
            TraceError::Unreadable { module, why } => format!("{}: {why}", path(module)),
            TraceError::Cycle { module, name } => {
                format!(
                    "`{name}` is re-exported in a cycle through {}",
                    path(module)
                )
            }
        }
    }
}

pub type Traced = Result<Vec<Step>, TraceError>;

/// Export tables and traced names, memoized.
pub struct Tracer<'g> {
    graph: &'g ModuleGraph,
    /// Per module: specifier → module it resolved to.
    targets: HashMap<u32, HashMap<&'g str, u32>>,
    tables: HashMap<u32, Table>,
    memo: HashMap<(u32, String), Traced>,
    visiting: Vec<(u32, String)>,
}

impl<'g> Tracer<'g> {
    pub fn new(graph: &'g ModuleGraph) -> Self {
        let mut targets: HashMap<u32, HashMap<&'g str, u32>> = HashMap::new();
        for e in &graph.edges {
            targets
                .entry(e.from)
                .or_default()
                .insert(e.specifier.as_str(), e.to);
        }
        Tracer {
            graph,
            targets,
            tables: HashMap::new(),
            memo: HashMap::new(),
            visiting: Vec::new(),
        }
    }

    pub fn graph(&self) -> &'g ModuleGraph {
        self.graph
    }

    /// The export table of `module`, read once.
    pub fn table(&mut self, module: u32) -> &Table {
        let graph = self.graph;
        self.tables
            .entry(module)
            .or_insert_with(|| read(&graph.root.join(&graph.modules[module as usize].path)))
    }

    /// The module `specifier` resolves to from `module`, when it is one of
    /// the graph.
    pub fn target(&self, module: u32, specifier: &str) -> Option<u32> {
        self.targets.get(&module)?.get(specifier).copied()
    }

    /// The chain of `name` exported by `module`, ending at the module that
    /// defines it (or the last module of the repository that passes it on
    /// from outside).
    pub fn trace(&mut self, module: u32, name: &str) -> Traced {
        let key = (module, name.to_string());
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        if self.visiting.contains(&key) {
            return Err(TraceError::Cycle {
                module,
                name: name.to_string(),
            });
        }
        self.visiting.push(key.clone());
        let result = self.trace_uncached(module, name);
        self.visiting.pop();
        self.memo.insert(key, result.clone());
        result
    }

    fn trace_uncached(&mut self, module: u32, name: &str) -> Traced {
        let here = Step {
            module,
            name: Imported::Name(name.to_string()),
            via: None,
        };
        let table = self.table(module).clone();
        if let Some(why) = &table.error {
            return Err(TraceError::Unreadable {
                module,
                why: why.clone(),
            });
        }
        if table.locals.contains(name) {
            return Ok(vec![here]);
        }
        if let Some(re) = table.named.get(name) {
            let Some(to) = self.target(module, &re.specifier) else {
                // From outside the graph (an installed package): this
                // module is as deep as the repository goes.
                return Ok(vec![here]);
            };
            return match &re.imported {
                Imported::Namespace => Ok(vec![
                    here,
                    Step {
                        module: to,
                        name: Imported::Namespace,
                        via: Some(re.specifier.clone()),
                    },
                ]),
                Imported::Name(inner) => {
                    let mut rest = self.trace(to, inner)?;
                    rest[0].via = Some(re.specifier.clone());
                    let mut chain = vec![here];
                    chain.extend(rest);
                    Ok(chain)
                }
            };
        }
        if name == "default" {
            // `export *` never passes a default on.
            return Err(TraceError::NotExported {
                module,
                name: name.to_string(),
            });
        }
        let mut found: Vec<Vec<Step>> = Vec::new();
        let mut outside = None;
        for star in &table.stars {
            let Some(to) = self.target(module, star) else {
                outside.get_or_insert_with(|| star.clone());
                continue;
            };
            match self.trace(to, name) {
                Ok(mut chain) => {
                    chain[0].via = Some(star.clone());
                    let end = |c: &Vec<Step>| c.last().map(|s| (s.module, s.name.clone()));
                    if !found.iter().any(|c| end(c) == end(&chain)) {
                        found.push(chain);
                    }
                }
                Err(TraceError::NotExported { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        match (found.len(), outside) {
            (1, _) => {
                let mut chain = vec![here];
                chain.extend(found.remove(0));
                Ok(chain)
            }
            (0, Some(specifier)) => Err(TraceError::Outside {
                module,
                name: name.to_string(),
                specifier,
            }),
            (0, None) => Err(TraceError::NotExported {
                module,
                name: name.to_string(),
            }),
            _ => Err(TraceError::Ambiguous {
                module,
                name: name.to_string(),
            }),
        }
    }
}
