/**
 * `import()` for what the command line loads at run time: user scripts and
 * the optional packages (tsx, esbuild, typescript). The command's bundle runs
 * as a vm.Script compiled from V8's code cache (compile-cache.ts), and such a
 * script has no `import()` of its own (Node 20 keeps no import callback for
 * a script made from cached data), so the launcher, an ES module, lends its
 * own. Specifiers are file URLs or bare package names, which resolve alike
 * from the launcher and from the bundle beside it.
 */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

let importer: ModuleImporter = (specifier) => import(specifier);

/** Loads a module as `import(specifier)` would. */
export function importModule(specifier: string): Promise<unknown> {
  return importer(specifier);
}

/** Makes importModule use `load` (the launcher's own import()). */
export function setModuleImporter(load: ModuleImporter): void {
  importer = load;
}
