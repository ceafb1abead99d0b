// The prompts `configure profile` uses, each from its own package: `@inquirer/prompts` would
// bundle every prompt (its editor prompt alone brings a megabyte of text encodings).
export { default as input } from "@inquirer/input";
export { default as search } from "@inquirer/search";
export { default as select } from "@inquirer/select";
