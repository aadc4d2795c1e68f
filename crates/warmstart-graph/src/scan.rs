//! One walk over a parsed file: collect its imports, and decide which value
//! imports are used only as types without building oxc_semantic's scopes,
//! symbols and references for the whole file.
//!
//! The decision must equal what `oxc_semantic` answers (a binding is
//! type-usable when none of its resolved references `is_value()`), so the
//! walk replays the part of `SemanticBuilder` that gives a reference its
//! flags — `current_reference_flags`, set by some nodes and taken by the
//! next `IdentifierReference` — in the builder's visiting order. Resolution
//! is the part it does not replay: a reference named like an import binding
//! resolves to it when the file declares that name nowhere else (imports
//! live in the outermost scope, so nothing can shadow them). When a name is
//! declared twice, or an import sits in a `declare module` block, the file
//! falls back to `SemanticBuilder` ([`decide_with_semantic`]), which is what
//! every file paid before.

use oxc_ast::ast::{
    Argument, AssignmentExpression, AssignmentTargetPropertyIdentifier, BindingIdentifier,
    CallExpression, Class, ComputedMemberExpression, ConditionalExpression, Decorator,
    ExportAllDeclaration, ExportDefaultDeclarationKind, ExportFromDeclaration,
    ExportNamedDeclaration, Expression, Function, Ident, IdentifierReference, ImportDeclaration,
    ImportDeclarationSpecifier, ImportExpression, ImportOrExportKind, MemberExpression,
    MethodDefinition, MethodDefinitionKind, Program, PropertyDefinition, SimpleAssignmentTarget,
    Statement, TSClassImplements, TSEnumDeclaration, TSEnumMember, TSExportAssignment,
    TSExternalModuleDeclaration, TSGlobalDeclaration, TSImportEqualsDeclaration, TSImportType,
    TSInterfaceDeclaration, TSInterfaceHeritage, TSMethodSignature, TSModuleBlock,
    TSModuleReference, TSNamespaceDeclaration, TSPropertySignature, TSQualifiedName,
    TSTypeAliasDeclaration, TSTypeQuery, TSTypeReference, UnaryExpression, UnaryOperator,
    UpdateExpression, VariableDeclaration,
};
use oxc_ast_visit::{Visit, walk};
use oxc_semantic::{Scoping, SymbolId};
use oxc_span::{GetSpan, Span};
use oxc_syntax::reference::ReferenceFlags;
use oxc_syntax::scope::ScopeFlags;

use crate::parse::{EdgeKind, LineIndex, RawImport};

/// A name bound by a top-level value import, and what the walk saw of it.
struct Tracked<'a> {
    name: Ident<'a>,
    /// Bindings of this name anywhere in the file (the import's own is one).
    declared: u32,
    /// A reference with this name took value flags (read or write).
    value_use: bool,
}

/// One binding of a value import, in statement order.
struct Binding<'a> {
    name: Ident<'a>,
    span: Span,
    specifier: bool,
    inline_type: bool,
}

/// A value import whose type-usability is decided after the walk.
struct Pending<'a> {
    /// Index in `imports` (before sorting).
    import: usize,
    bindings: Vec<Binding<'a>>,
}

/// The walker: import collection plus the replayed reference flags.
pub(crate) struct Scanner<'s, 'a> {
    source: &'s str,
    lines: &'s LineIndex<'s>,
    pub imports: Vec<RawImport>,
    has_decorators: bool,
    pending: Vec<Pending<'a>>,
    tracked: Vec<Tracked<'a>>,
    /// A candidate import the replay cannot decide (inside a module block).
    undecided: bool,
    flags: ReferenceFlags,
    ambient: u32,
    module_blocks: u32,
}

impl<'s, 'a> Scanner<'s, 'a> {
    pub fn new(source: &'s str, lines: &'s LineIndex<'s>, program: &Program<'a>) -> Self {
        // Every name a top-level value import binds is known before the walk,
        // since references may precede the import statement.
        let mut tracked: Vec<Tracked<'a>> = Vec::new();
        for statement in &program.body {
            let Statement::ImportDeclaration(decl) = statement else {
                continue;
            };
            if decl.import_kind == ImportOrExportKind::Type {
                continue;
            }
            for s in decl.specifiers.iter().flatten() {
                let name = s.local().name;
                if !tracked.iter().any(|t| t.name == name) {
                    tracked.push(Tracked {
                        name,
                        declared: 0,
                        value_use: false,
                    });
                }
            }
        }
        let ambient = u32::from(program.source_type.is_typescript_definition());
        Scanner {
            source,
            lines,
            imports: Vec::new(),
            has_decorators: false,
            pending: Vec::new(),
            tracked,
            undecided: false,
            flags: ReferenceFlags::empty(),
            ambient,
            module_blocks: 0,
        }
    }

    /// Decides the pending imports from the walk. `false` when some cannot
    /// be decided without scopes: call [`decide_with_semantic`] then.
    pub fn decide(&mut self) -> bool {
        if self.has_decorators {
            // Under `emitDecoratorMetadata` (NestJS), types in decorated
            // signatures are emitted as runtime values: such a file's
            // imports are never elided, so none is type-usable.
            self.pending.clear();
            return true;
        }
        if self.undecided {
            return false;
        }
        let mut answers = Vec::with_capacity(self.pending.len());
        for pending in &self.pending {
            let mut type_usable = !pending.bindings.is_empty();
            let mut value_specifiers = Vec::new();
            for b in &pending.bindings {
                if b.inline_type {
                    continue;
                }
                let Some(t) = self.tracked.iter().find(|t| t.name == b.name) else {
                    return false;
                };
                if t.declared != 1 {
                    return false;
                }
                if t.value_use {
                    type_usable = false;
                    break;
                }
                if b.specifier {
                    value_specifiers.push((b.span.start, b.span.end));
                }
            }
            answers.push((pending.import, type_usable, value_specifiers));
        }
        for (import, type_usable, value_specifiers) in answers {
            if type_usable {
                self.imports[import].type_usable = true;
                self.imports[import].value_specifiers = value_specifiers;
            }
        }
        self.pending.clear();
        true
    }

    pub fn has_decorators(&self) -> bool {
        self.has_decorators
    }

    fn push(&mut self, specifier: &str, kind: EdgeKind, span: Span, reexport: bool) {
        self.imports.push(RawImport {
            specifier: specifier.to_string(),
            kind,
            start: span.start,
            end: span.end,
            line: self.lines.line(span.start),
            reexport,
            type_usable: false,
            value_specifiers: Vec::new(),
        });
    }

    /// Literal text of `import(…)`'s argument: a string or a template
    /// without substitutions.
    fn literal_specifier(&self, expr: &Expression) -> Option<String> {
        match expr {
            Expression::StringLiteral(lit) => Some(lit.value.to_string()),
            Expression::TemplateLiteral(tpl) if tpl.expressions.is_empty() => {
                let span = tpl.span;
                let text = self
                    .source
                    .get(span.start as usize + 1..span.end as usize - 1)?;
                Some(text.to_string())
            }
            _ => None,
        }
    }

    fn enter_ambient(&mut self, ambient: bool) {
        self.ambient += u32::from(ambient);
    }

    fn leave_ambient(&mut self, ambient: bool) {
        self.ambient -= u32::from(ambient);
    }
}

/// What `import` statement kinds and specifiers say before any reference
/// is looked at: `None` for a value import that needs the decision.
fn statement_kind(it: &ImportDeclaration<'_>) -> Option<EdgeKind> {
    let Some(specifiers) = &it.specifiers else {
        // `import "x"`: a side effect, always runtime.
        return Some(EdgeKind::Value);
    };
    let all_inline_type = !specifiers.is_empty()
        && specifiers.iter().all(|s| match s {
            ImportDeclarationSpecifier::ImportSpecifier(s) => {
                s.import_kind == ImportOrExportKind::Type
            }
            _ => false,
        });
    if it.import_kind == ImportOrExportKind::Type || all_inline_type {
        return Some(EdgeKind::TypeOnly);
    }
    None
}

impl<'a> Visit<'a> for Scanner<'_, 'a> {
    // ---- import collection -------------------------------------------

    fn visit_decorator(&mut self, it: &Decorator<'a>) {
        self.has_decorators = true;
        walk::walk_decorator(self, it);
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        let specifier = it.source.value.as_str();
        if let Some(kind) = statement_kind(it) {
            self.push(specifier, kind, it.span, false);
        } else {
            self.push(specifier, EdgeKind::Value, it.span, false);
            if self.module_blocks > 0 {
                self.undecided = true;
            }
            let bindings = it
                .specifiers
                .iter()
                .flatten()
                .map(|s| match s {
                    ImportDeclarationSpecifier::ImportSpecifier(s) => Binding {
                        name: s.local.name,
                        span: s.span,
                        specifier: true,
                        inline_type: s.import_kind == ImportOrExportKind::Type,
                    },
                    ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => Binding {
                        name: s.local.name,
                        span: s.span,
                        specifier: false,
                        inline_type: false,
                    },
                    ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => Binding {
                        name: s.local.name,
                        span: s.span,
                        specifier: false,
                        inline_type: false,
                    },
                })
                .collect();
            self.pending.push(Pending {
                import: self.imports.len() - 1,
                bindings,
            });
        }
        // The bindings are declarations the replay counts.
        walk::walk_import_declaration(self, it);
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        let all_inline_type = !it.specifiers.is_empty()
            && it
                .specifiers
                .iter()
                .all(|s| s.export_kind == ImportOrExportKind::Type);
        let kind = if it.export_kind == ImportOrExportKind::Type || all_inline_type {
            EdgeKind::TypeOnly
        } else {
            EdgeKind::Value
        };
        self.push(it.source.value.as_str(), kind, it.span, true);
        walk::walk_export_from_declaration(self, it);
    }

    fn visit_export_all_declaration(&mut self, it: &ExportAllDeclaration<'a>) {
        let kind = if it.export_kind == ImportOrExportKind::Type {
            EdgeKind::TypeOnly
        } else {
            EdgeKind::Value
        };
        self.push(it.source.value.as_str(), kind, it.span, true);
        walk::walk_export_all_declaration(self, it);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        if let Some(spec) = self.literal_specifier(&it.source) {
            self.push(&spec, EdgeKind::Dynamic, it.span, false);
        }
        walk::walk_import_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Some(lit) = it.common_js_require() {
            self.push(lit.value.as_str(), EdgeKind::Require, it.span, false);
        } else if it.callee.is_specific_id("require")
            && it.arguments.len() == 1
            && let Argument::TemplateLiteral(tpl) = &it.arguments[0]
            && tpl.expressions.is_empty()
            && let Some(text) = self
                .source
                .get(tpl.span.start as usize + 1..tpl.span.end as usize - 1)
        {
            let text = text.to_string();
            self.push(&text, EdgeKind::Require, it.span, false);
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_ts_import_type(&mut self, it: &TSImportType<'a>) {
        // `import("./x").T` in a type position: a type-only dependency.
        self.push(it.source.value.as_str(), EdgeKind::TypeOnly, it.span, false);
        walk::walk_ts_import_type(self, it);
    }

    fn visit_ts_import_equals_declaration(&mut self, it: &TSImportEqualsDeclaration<'a>) {
        if let TSModuleReference::ExternalModuleReference(ext) = &it.module_reference {
            let kind = if it.import_kind == ImportOrExportKind::Type {
                EdgeKind::TypeOnly
            } else {
                EdgeKind::Require
            };
            self.push(ext.expression.value.as_str(), kind, it.span(), false);
        }
        // SemanticBuilder: the module reference is a read unless `import type`.
        self.visit_binding_identifier(&it.id);
        self.flags = if it.import_kind.is_type() {
            ReferenceFlags::Type
        } else {
            ReferenceFlags::Read | ReferenceFlags::Type
        };
        self.visit_ts_module_reference(&it.module_reference);
        self.flags = ReferenceFlags::empty();
    }

    // ---- declarations the replay counts ------------------------------

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        if let Some(t) = self.tracked.iter_mut().find(|t| t.name == it.name) {
            t.declared += 1;
        }
    }

    fn visit_ts_enum_member(&mut self, it: &TSEnumMember<'a>) {
        // Enum members are symbols of the enum's scope.
        let name = it.id.static_name();
        if let Some(t) = self
            .tracked
            .iter_mut()
            .find(|t| t.name.as_str() == name.as_str())
        {
            t.declared += 1;
        }
        walk::walk_ts_enum_member(self, it);
    }

    fn visit_ts_module_block(&mut self, it: &TSModuleBlock<'a>) {
        self.module_blocks += 1;
        walk::walk_ts_module_block(self, it);
        self.module_blocks -= 1;
    }

    // ---- references: SemanticBuilder's flags, in its order -----------

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        let flags = if self.flags.is_empty() {
            ReferenceFlags::Read
        } else {
            std::mem::take(&mut self.flags)
        };
        if flags.is_value()
            && let Some(t) = self.tracked.iter_mut().find(|t| t.name == it.name)
        {
            t.value_use = true;
        }
    }

    fn visit_class(&mut self, class: &Class<'a>) {
        self.visit_decorators(&class.decorators);
        self.enter_ambient(class.declare);
        if let Some(id) = &class.id {
            self.visit_binding_identifier(id);
        }
        if let Some(type_parameters) = &class.type_parameters {
            self.visit_ts_type_parameter_declaration(type_parameters);
        }
        if let Some(heritage) = &class.heritage {
            if self.ambient > 0 {
                self.flags = ReferenceFlags::ValueAsType;
            }
            self.visit_expression(&heritage.expression);
            self.flags = ReferenceFlags::empty();
            if let Some(type_arguments) = &heritage.type_arguments {
                self.visit_ts_type_parameter_instantiation(type_arguments);
            }
        }
        self.visit_ts_class_implements_list(&class.implements);
        self.visit_class_body(&class.body);
        self.leave_ambient(class.declare);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.enter_ambient(it.declare);
        walk::walk_function(self, it, flags);
        self.leave_ambient(it.declare);
    }

    fn visit_variable_declaration(&mut self, it: &VariableDeclaration<'a>) {
        self.enter_ambient(it.declare);
        walk::walk_variable_declaration(self, it);
        self.leave_ambient(it.declare);
    }

    fn visit_ts_external_module_declaration(&mut self, it: &TSExternalModuleDeclaration<'a>) {
        self.enter_ambient(it.declare);
        walk::walk_ts_external_module_declaration(self, it);
        self.leave_ambient(it.declare);
    }

    fn visit_ts_namespace_declaration(&mut self, it: &TSNamespaceDeclaration<'a>) {
        self.enter_ambient(it.declare);
        walk::walk_ts_namespace_declaration(self, it);
        self.leave_ambient(it.declare);
    }

    fn visit_ts_global_declaration(&mut self, it: &TSGlobalDeclaration<'a>) {
        self.enter_ambient(it.declare);
        walk::walk_ts_global_declaration(self, it);
        self.leave_ambient(it.declare);
    }

    fn visit_ts_type_alias_declaration(&mut self, it: &TSTypeAliasDeclaration<'a>) {
        self.enter_ambient(it.declare);
        walk::walk_ts_type_alias_declaration(self, it);
        self.leave_ambient(it.declare);
    }

    fn visit_ts_interface_declaration(&mut self, it: &TSInterfaceDeclaration<'a>) {
        self.enter_ambient(it.declare);
        walk::walk_ts_interface_declaration(self, it);
        self.leave_ambient(it.declare);
    }

    fn visit_ts_enum_declaration(&mut self, it: &TSEnumDeclaration<'a>) {
        self.enter_ambient(it.declare);
        walk::walk_ts_enum_declaration(self, it);
        self.leave_ambient(it.declare);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if !it.operator.is_assign() {
            self.flags = ReferenceFlags::read_write();
        }
        self.visit_assignment_target(&it.left);
        self.visit_expression(&it.right);
    }

    fn visit_conditional_expression(&mut self, it: &ConditionalExpression<'a>) {
        let saved = self.flags;
        self.flags -= ReferenceFlags::MemberWriteTarget;
        self.visit_expression(&it.test);
        self.flags = saved;
        self.visit_expression(&it.consequent);
        self.visit_expression(&it.alternate);
    }

    fn visit_update_expression(&mut self, it: &UpdateExpression<'a>) {
        self.flags = ReferenceFlags::read_write();
        self.visit_simple_assignment_target(&it.argument);
    }

    fn visit_unary_expression(&mut self, it: &UnaryExpression<'a>) {
        if it.operator == UnaryOperator::Delete && it.argument.is_member_expression() {
            self.flags = ReferenceFlags::Write;
        }
        self.visit_expression(&it.argument);
    }

    fn visit_member_expression(&mut self, it: &MemberExpression<'a>) {
        if self.flags.is_write() {
            self.flags = ReferenceFlags::Read | ReferenceFlags::MemberWriteTarget;
        } else {
            self.flags -= ReferenceFlags::Write;
        }
        walk::walk_member_expression(self, it);
        self.flags = ReferenceFlags::empty();
    }

    fn visit_computed_member_expression(&mut self, it: &ComputedMemberExpression<'a>) {
        self.visit_expression(&it.object);
        self.flags -= ReferenceFlags::MemberWriteTarget;
        self.visit_expression(&it.expression);
    }

    fn visit_simple_assignment_target(&mut self, it: &SimpleAssignmentTarget<'a>) {
        if !self.flags.is_write() {
            self.flags = ReferenceFlags::Write;
        }
        walk::walk_simple_assignment_target(self, it);
    }

    fn visit_assignment_target_property_identifier(
        &mut self,
        it: &AssignmentTargetPropertyIdentifier<'a>,
    ) {
        self.flags = ReferenceFlags::Write;
        self.visit_identifier_reference(&it.binding);
        if let Some(init) = &it.init {
            self.visit_expression(init);
        }
    }

    fn visit_export_default_declaration_kind(&mut self, it: &ExportDefaultDeclarationKind<'a>) {
        if let ExportDefaultDeclarationKind::Identifier(ident) = it {
            // `export default ident` can name a type or a value.
            self.flags = ReferenceFlags::Read | ReferenceFlags::Type;
            self.visit_identifier_reference(ident);
        } else {
            walk::walk_export_default_declaration_kind(self, it);
        }
    }

    fn visit_export_named_declaration(&mut self, it: &ExportNamedDeclaration<'a>) {
        for specifier in &it.specifiers {
            self.flags = if it.export_kind.is_type() || specifier.export_kind.is_type() {
                ReferenceFlags::Type
            } else {
                ReferenceFlags::Read | ReferenceFlags::Type
            };
            self.visit_export_specifier(specifier);
        }
    }

    fn visit_ts_export_assignment(&mut self, it: &TSExportAssignment<'a>) {
        if it.expression.is_identifier_reference() {
            self.flags = ReferenceFlags::Read | ReferenceFlags::Type;
        }
        self.visit_expression(&it.expression);
    }

    fn visit_ts_type_query(&mut self, it: &TSTypeQuery<'a>) {
        self.flags = ReferenceFlags::ValueAsType;
        self.visit_ts_type_query_expr_name(&it.expr_name);
        if let Some(type_arguments) = &it.type_arguments {
            self.visit_ts_type_parameter_instantiation(type_arguments);
        }
        self.flags = ReferenceFlags::empty();
    }

    fn visit_ts_property_signature(&mut self, it: &TSPropertySignature<'a>) {
        if it.key.is_expression() {
            self.flags = ReferenceFlags::ValueAsType;
        }
        self.visit_property_key(&it.key);
        if let Some(type_annotation) = &it.type_annotation {
            self.visit_ts_type_annotation(type_annotation);
        }
        self.flags = ReferenceFlags::empty();
    }

    fn visit_ts_method_signature(&mut self, it: &TSMethodSignature<'a>) {
        if it.computed {
            self.flags = ReferenceFlags::ValueAsType;
        }
        self.visit_property_key(&it.key);
        self.flags = ReferenceFlags::empty();
        if let Some(type_parameters) = &it.type_parameters {
            self.visit_ts_type_parameter_declaration(type_parameters);
        }
        if let Some(this_param) = &it.this_param {
            self.visit_ts_this_parameter(this_param);
        }
        self.visit_formal_parameters(&it.params);
        if let Some(return_type) = &it.return_type {
            self.visit_ts_type_annotation(return_type);
        }
    }

    fn visit_method_definition(&mut self, it: &MethodDefinition<'a>) {
        self.visit_decorators(&it.decorators);
        if it.computed && (it.r#type.is_abstract() || self.ambient > 0) {
            self.flags = ReferenceFlags::ValueAsType;
        }
        self.visit_property_key(&it.key);
        self.flags = ReferenceFlags::empty();
        let flags = match it.kind {
            MethodDefinitionKind::Get => ScopeFlags::Function | ScopeFlags::GetAccessor,
            MethodDefinitionKind::Set => ScopeFlags::Function | ScopeFlags::SetAccessor,
            MethodDefinitionKind::Constructor => ScopeFlags::Function | ScopeFlags::Constructor,
            MethodDefinitionKind::Method => ScopeFlags::Function,
        };
        self.visit_function(&it.value, flags);
    }

    fn visit_property_definition(&mut self, it: &PropertyDefinition<'a>) {
        self.visit_decorators(&it.decorators);
        self.enter_ambient(it.declare);
        if it.computed && (it.r#type.is_abstract() || self.ambient > 0) {
            self.flags = ReferenceFlags::ValueAsType;
        }
        self.visit_property_key(&it.key);
        self.flags = ReferenceFlags::empty();
        if let Some(type_annotation) = &it.type_annotation {
            self.visit_ts_type_annotation(type_annotation);
        }
        if let Some(value) = &it.value {
            self.visit_expression(value);
        }
        self.leave_ambient(it.declare);
    }

    fn visit_ts_module_reference(&mut self, it: &TSModuleReference<'a>) {
        match it {
            TSModuleReference::ExternalModuleReference(reference) => {
                self.visit_ts_external_module_reference(reference);
            }
            TSModuleReference::IdentifierReference(reference) => {
                self.flags |= ReferenceFlags::Namespace;
                self.visit_identifier_reference(reference);
            }
            TSModuleReference::QualifiedName(name) => self.visit_ts_qualified_name(name),
        }
    }

    fn visit_ts_interface_heritage(&mut self, it: &TSInterfaceHeritage<'a>) {
        self.flags = ReferenceFlags::Type;
        self.visit_ts_type_name(&it.type_name);
        if let Some(type_arguments) = &it.type_arguments {
            self.visit_ts_type_parameter_instantiation(type_arguments);
        }
    }

    fn visit_ts_class_implements(&mut self, it: &TSClassImplements<'a>) {
        self.flags = ReferenceFlags::Type;
        self.visit_ts_type_name(&it.expression);
        if let Some(type_arguments) = &it.type_arguments {
            self.visit_ts_type_parameter_instantiation(type_arguments);
        }
    }

    fn visit_ts_type_reference(&mut self, it: &TSTypeReference<'a>) {
        self.flags = ReferenceFlags::Type;
        self.visit_ts_type_name(&it.type_name);
        if let Some(type_arguments) = &it.type_arguments {
            self.visit_ts_type_parameter_instantiation(type_arguments);
        }
    }

    fn visit_ts_qualified_name(&mut self, it: &TSQualifiedName<'a>) {
        if self.flags.is_empty() {
            self.flags = ReferenceFlags::Read | ReferenceFlags::Type | ReferenceFlags::Namespace;
        } else {
            self.flags |= ReferenceFlags::Namespace;
        }
        self.visit_ts_type_name(&it.left);
    }
}

/// The fallback: the type-usability of every value import from
/// `oxc_semantic`'s scoping, as every file was decided before the replay.
pub(crate) fn decide_with_semantic(program: &Program<'_>, imports: &mut [RawImport]) {
    let semantic = oxc_semantic::SemanticBuilder::new()
        .with_build_nodes(false)
        .build(program)
        .semantic;
    let mut decider = SemanticDecider {
        scoping: semantic.scoping(),
        imports,
    };
    decider.visit_program(program);
}

struct SemanticDecider<'s> {
    scoping: &'s Scoping,
    imports: &'s mut [RawImport],
}

impl SemanticDecider<'_> {
    /// True when no resolved reference to the binding reads it as a value.
    fn only_types(&self, symbol: Option<SymbolId>) -> bool {
        match symbol {
            Some(id) => !self
                .scoping
                .get_resolved_references(id)
                .any(|reference| reference.is_value()),
            // No symbol means semantic could not bind it: stay conservative.
            None => false,
        }
    }
}

impl<'a> Visit<'a> for SemanticDecider<'_> {
    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        if statement_kind(it).is_some() {
            return;
        }
        let Some(specifiers) = &it.specifiers else {
            return;
        };
        let mut type_usable = !specifiers.is_empty();
        let mut value_specifiers = Vec::new();
        for s in specifiers {
            let (symbol, span, inline_type) = match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => (
                    s.local.symbol_id.get(),
                    s.span,
                    s.import_kind == ImportOrExportKind::Type,
                ),
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    (s.local.symbol_id.get(), s.span, false)
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    (s.local.symbol_id.get(), s.span, false)
                }
            };
            if inline_type {
                continue;
            }
            if !self.only_types(symbol) {
                type_usable = false;
                break;
            }
            if matches!(s, ImportDeclarationSpecifier::ImportSpecifier(_)) {
                value_specifiers.push((span.start, span.end));
            }
        }
        if let Some(import) = self
            .imports
            .iter_mut()
            .find(|i| i.start == it.span.start && i.end == it.span.end && i.kind == EdgeKind::Value)
        {
            import.type_usable = type_usable;
            import.value_specifiers = if type_usable {
                value_specifiers
            } else {
                Vec::new()
            };
        }
    }
}
