// Formats stdin with prettier 2.8 and Cal.com's prettier preset (the
// preset's file is given as argv[2]), exactly as app-store-cli does.
const prettier = require("prettier");
const preset = require(process.argv[2]);
const src = require("fs").readFileSync(0, "utf8");
process.stdout.write(prettier.format(src, { parser: "babel", ...preset }));
