import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DheeraError, InvalidRequestError, ProviderNotInstalledError } from "../errors/dheera-error.js";
import { isProviderPlugin, type ProviderPlugin } from "./provider-plugin.js";

export interface ProviderRegistryOptions {
  /** Folders to look for packages from (default: the working directory and the entry script's folder). */
  searchFrom?: readonly string[];
  /** Prefix -> package name: the host's own choices (config.yaml `providers:`), tried instead of the conventions. */
  packages?: Readonly<Record<string, string>>;
}

/** npm's rules for a package name (scoped or not), so a config cannot name a path. */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const PREFIX = /^[a-z0-9][a-z0-9._-]*$/;

/** The names a prefix's package is looked for under, in order, when the host names none. */
export function conventionalPackageNames(prefix: string): string[] {
  return [`@dheera/${prefix}`, `dheera-provider-${prefix}`];
}

/**
 * Finds the provider plugin for a model prefix, in order: a plugin registered in code; the
 * package the host named for the prefix (`packages`); `@dheera/<prefix>`; the community
 * convention `dheera-provider-<prefix>`. Packages are looked up from the user's project
 * (process.cwd()) and the entry script's folder, not from @dheera/core's own location, so it
 * works with npm's flat layout and with pnpm's strict one.
 */
export class ProviderRegistry {
  readonly #plugins = new Map<string, ProviderPlugin>();
  readonly #loading = new Map<string, Promise<ProviderPlugin>>();
  readonly #packages = new Map<string, string>();
  private readonly searchFrom: readonly string[];

  /** `options`: the search folders alone (as before), or the options. */
  constructor(options: readonly string[] | ProviderRegistryOptions = {}) {
    const opts: ProviderRegistryOptions = Array.isArray(options) ? { searchFrom: options as readonly string[] } : (options as ProviderRegistryOptions);
    this.searchFrom = opts.searchFrom ?? defaultSearchRoots();
    if (opts.packages) this.usePackages(opts.packages);
  }

  /** Names the package that provides each prefix (checked: a prefix and an npm package name). */
  usePackages(packages: Readonly<Record<string, string>>): void {
    for (const [prefix, name] of Object.entries(packages)) {
      if (!PREFIX.test(prefix)) throw new TypeError(`"${prefix}" is not a provider prefix: lower-case letters, digits, ".", "_" and "-".`);
      if (!PACKAGE_NAME.test(name)) throw new TypeError(`"${name}" (the package for "${prefix}") is not an npm package name.`);
      this.#packages.set(prefix, name);
    }
  }

  register(plugin: ProviderPlugin): void {
    if (!isProviderPlugin(plugin)) throw new TypeError("register() expects a Dheera provider plugin (specificationVersion \"v1\").");
    this.#plugins.set(plugin.id, plugin);
  }

  registered(id: string): ProviderPlugin | undefined {
    return this.#plugins.get(id);
  }

  async get(id: string): Promise<ProviderPlugin> {
    const known = this.#plugins.get(id);
    if (known) return known;
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = this.#load(id);
      this.#loading.set(id, loading);
      loading.catch(() => this.#loading.delete(id));
    }
    return loading;
  }

  async #load(id: string): Promise<ProviderPlugin> {
    if (!PREFIX.test(id)) {
      throw new InvalidRequestError(`Invalid provider prefix "${id}" in model.`, { param: "model", code: "invalid_model" });
    }
    const configured = this.#packages.get(id);
    const names = configured !== undefined ? [configured] : conventionalPackageNames(id);
    let packageName = names[0]!;
    let dir: string | undefined;
    for (const name of names) {
      dir = findPackageDir(name, this.searchFrom);
      if (dir) {
        packageName = name;
        break;
      }
    }
    if (!dir) throw new ProviderNotInstalledError(id, names[0]!, { packageNames: names, configured: configured !== undefined });
    const entry = packageEntry(dir);
    if (!entry) throw new InvalidRequestError(`Package ${packageName} has no entry point to import.`, { param: "model", code: "invalid_provider" });
    let mod: { default?: unknown; provider?: unknown };
    try {
      // The real path, as Node uses it: a pnpm package then finds its own dependencies.
      mod = (await import(pathToFileURL(realpathSync(entry)).href)) as typeof mod;
    } catch (err) {
      throw new DheeraError(`Provider package ${packageName} could not be loaded.`, {
        status: 500,
        type: "server_error",
        code: "provider_load_failed",
        provider: id,
        cause: err,
      });
    }
    // `default.default`: a CommonJS build of an ESM source (`exports.default = plugin`).
    const candidates = [mod.default, mod.provider, (mod.default as { default?: unknown } | undefined)?.default];
    const plugin = candidates.find(isProviderPlugin);
    if (!plugin) throw new InvalidRequestError(`Package ${packageName} does not export a Dheera provider plugin.`, { param: "model", code: "invalid_provider" });
    // A plugin registered explicitly while this import was in flight still wins.
    const registered = this.#plugins.get(id);
    if (registered) return registered;
    this.#plugins.set(id, plugin);
    return plugin;
  }
}

/*
 * What `import(name)` would load if it were written in the user's project: the package folder is
 * found the way Node finds it (`node_modules` of each ancestor of each root; a pnpm symlink is
 * followed), and its entry is picked with the ESM conditions (`node`, `import`, `default`).
 * `require.resolve` would apply the CommonJS conditions instead and miss an ESM-only package
 * (`exports: { import: ... }`).
 */
function findPackageDir(name: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    let dir = path.resolve(root);
    for (;;) {
      if (path.basename(dir) !== "node_modules") {
        const candidate = path.join(dir, "node_modules", ...name.split("/"));
        if (existsSync(path.join(candidate, "package.json"))) return candidate;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

const CONDITIONS = ["node", "import", "default"];

function packageEntry(dir: string): string | undefined {
  let pkg: { exports?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as typeof pkg;
  } catch {
    return undefined;
  }
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const target = exportsTarget(rootExport(pkg.exports));
    return target?.startsWith("./") ? existingFile(path.join(dir, target)) : undefined;
  }
  // No exports map: the legacy `main`, then index.js.
  const main = typeof pkg.main === "string" ? pkg.main : undefined;
  const tries = main ? [main, `${main}.js`, path.join(main, "index.js")] : [];
  for (const candidate of [...tries, "index.js"]) {
    const file = existingFile(path.join(dir, candidate));
    if (file) return file;
  }
  return undefined;
}

/** The `"."` entry of an exports field (a string, conditions, or a map of subpaths). */
function rootExport(exports: unknown): unknown {
  if (typeof exports === "object" && exports !== null && !Array.isArray(exports)) {
    const keys = Object.keys(exports);
    if (keys.some((k) => k.startsWith("."))) return (exports as Record<string, unknown>)["."];
  }
  return exports;
}

function exportsTarget(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = exportsTarget(v);
      if (t) return t;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    // Conditions are tried in the package's own key order, as Node does.
    for (const [condition, v] of Object.entries(value)) {
      if (!CONDITIONS.includes(condition)) continue;
      const t = exportsTarget(v);
      if (t) return t;
    }
  }
  return undefined;
}

function existingFile(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function defaultSearchRoots(): string[] {
  const roots = [process.cwd()];
  const entry = process.argv[1];
  if (entry) roots.push(path.dirname(entry));
  return roots;
}
