import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DheeraError, InvalidRequestError, ProviderNotInstalledError } from "../errors/dheera-error.js";
import type { ProviderPlugin } from "./provider-plugin.js";
import { ProviderRegistry } from "./resolve-provider.js";

/*
 * Real packages in real temp projects, imported by Node: the layouts npm and pnpm produce.
 * Each project gets its own folder, so Node's module cache never hides a second load.
 */

const scratch = mkdtempSync(path.join(os.tmpdir(), "dheera-registry-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let projects = 0;

function write(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** The plugin module text; `loads` names a global counter bumped on every evaluation. */
function pluginModule(loads: string, extra = ""): string {
  return `${extra}
globalThis[${JSON.stringify(loads)}] = (globalThis[${JSON.stringify(loads)}] ?? 0) + 1;
export default {
  specificationVersion: "v1",
  id: "fakeprov",
  settingsSchema: { type: "stub" },
  settingKeys: ["api_key"],
  label: typeof label === "undefined" ? "fakeprov" : label,
  resolve(reference) {
    return { provider: "fakeprov", name: reference.model, apiBase: "http://fake.test", native: { responses: true, chat: false } };
  },
};
`;
}

interface FakePackage {
  /** package.json fields besides name and version */
  manifest?: Record<string, unknown>;
  /** files of the package, by relative path */
  files?: Record<string, string>;
}

/** A project with `@dheera/fakeprov` (or `pkg.name`) installed the way npm (flat) or pnpm (strict, symlinked) does. */
function project(layout: "npm" | "pnpm", pkg: FakePackage & { name?: string } = {}): { dir: string; loads: string } {
  const dir = path.join(scratch, `project-${++projects}`);
  const loads = `__dheeraFakeprovLoads${projects}`;
  const name = pkg.name ?? "@dheera/fakeprov";
  const manifest = { name, version: "1.0.0", type: "module", exports: { ".": { default: "./index.js" } }, ...pkg.manifest };
  const files = pkg.files ?? { "index.js": pluginModule(loads) };
  write(path.join(dir, "package.json"), JSON.stringify({ name: "app", private: true }));
  const installed = path.join(dir, "node_modules", ...name.split("/"));
  const packageDir = layout === "npm" ? installed : path.join(dir, "node_modules", ".pnpm", `${name.replace("/", "+")}@1.0.0`, "node_modules", ...name.split("/"));
  write(path.join(packageDir, "package.json"), JSON.stringify(manifest));
  for (const [name, content] of Object.entries(files)) write(path.join(packageDir, name), content.replaceAll("__LOADS__", loads));
  if (layout === "pnpm") {
    mkdirSync(path.dirname(installed), { recursive: true });
    symlinkSync(packageDir, installed, "dir");
  }
  return { dir, loads };
}

const loadsOf = (name: string) => (globalThis as Record<string, unknown>)[name];

const explicit: ProviderPlugin = {
  specificationVersion: "v1",
  id: "fakeprov",
  settingsSchema: { type: "explicit" } as unknown as ProviderPlugin["settingsSchema"],
  settingKeys: [],
  resolve: () => ({ provider: "fakeprov", name: "explicit", apiBase: "http://explicit.test", native: { responses: true, chat: false } }),
};

describe("ProviderRegistry: loading @dheera/<prefix> from the user's project", () => {
  it("loads the package from npm's flat layout", async () => {
    const { dir, loads } = project("npm");
    const plugin = await new ProviderRegistry([dir]).get("fakeprov");
    expect(plugin).toMatchObject({ specificationVersion: "v1", id: "fakeprov", settingKeys: ["api_key"] });
    expect(plugin.resolve({ raw: "fakeprov/m", provider: "fakeprov", model: "m" }, {}, { transport: async () => Promise.reject(new Error("unused")), env: {} }).name).toBe("m");
    expect(loadsOf(loads)).toBe(1);
  });

  it("loads the package from pnpm's strict layout, where it imports its own dependencies from the store", async () => {
    // fake-dep exists only next to the package inside .pnpm, as pnpm installs it.
    const { dir } = project("pnpm", {
      files: { "index.js": pluginModule("__LOADS__", 'import { label } from "fake-dep";') },
    });
    const storeModules = path.join(dir, "node_modules", ".pnpm", "@dheera+fakeprov@1.0.0", "node_modules");
    write(path.join(storeModules, "fake-dep", "package.json"), JSON.stringify({ name: "fake-dep", type: "module", exports: "./index.js" }));
    write(path.join(storeModules, "fake-dep", "index.js"), 'export const label = "from the pnpm store";');
    const plugin = (await new ProviderRegistry([dir]).get("fakeprov")) as ProviderPlugin & { label: string };
    expect(plugin.label).toBe("from the pnpm store");
  });

  it("finds the package from a folder deep inside the project", async () => {
    const { dir } = project("npm");
    const deep = path.join(dir, "src", "server");
    mkdirSync(deep, { recursive: true });
    expect((await new ProviderRegistry([deep]).get("fakeprov")).id).toBe("fakeprov");
  });

  it("tries each search root in turn", async () => {
    const { dir } = project("npm");
    const empty = path.join(scratch, `empty-${++projects}`);
    mkdirSync(empty);
    expect((await new ProviderRegistry([empty, dir]).get("fakeprov")).id).toBe("fakeprov");
  });

  it("loads an ESM-only package whose exports have only an import condition", async () => {
    const { dir } = project("npm", { manifest: { exports: { ".": { types: "./index.d.ts", import: "./index.js" } } } });
    expect((await new ProviderRegistry([dir]).get("fakeprov")).id).toBe("fakeprov");
  });

  it("loads a package without exports through its main field", async () => {
    const { dir, loads } = project("npm", { manifest: { exports: undefined, main: "dist/plugin.js" }, files: { "dist/plugin.js": pluginModule("__LOADS__") } });
    await new ProviderRegistry([dir]).get("fakeprov");
    expect(loadsOf(loads)).toBe(1);
  });

  it("accepts a CommonJS build of an ESM plugin (exports.default) and a named `provider` export", async () => {
    const cjs = project("npm", {
      manifest: { type: "commonjs", exports: { ".": { require: "./index.cjs", default: "./index.cjs" } } },
      files: { "index.cjs": `Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = ${JSON.stringify({ specificationVersion: "v1", id: "fakeprov", settingsSchema: {}, settingKeys: [] })};\nexports.default.resolve = () => ({});` },
    });
    expect((await new ProviderRegistry([cjs.dir]).get("fakeprov")).id).toBe("fakeprov");
    const named = project("npm", { files: { "index.js": pluginModule("__LOADS__").replace("export default", "export const provider =") } });
    expect((await new ProviderRegistry([named.dir]).get("fakeprov")).id).toBe("fakeprov");
  });

  it("imports the package once for concurrent get() calls and returns the same plugin", async () => {
    const { dir, loads } = project("npm");
    const registry = new ProviderRegistry([dir]);
    const [a, b, c] = await Promise.all([registry.get("fakeprov"), registry.get("fakeprov"), registry.get("fakeprov")]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(await registry.get("fakeprov")).toBe(a);
    expect(loadsOf(loads)).toBe(1);
  });
});

describe("ProviderRegistry: explicit registration", () => {
  it("wins over an installed package, which is then never imported", async () => {
    const { dir, loads } = project("npm");
    const registry = new ProviderRegistry([dir]);
    registry.register(explicit);
    expect(await registry.get("fakeprov")).toBe(explicit);
    expect(registry.registered("fakeprov")).toBe(explicit);
    expect(loadsOf(loads)).toBeUndefined();
  });

  it("wins even when it happens while the package is being imported", async () => {
    const { dir } = project("npm");
    const registry = new ProviderRegistry([dir]);
    const pending = registry.get("fakeprov");
    registry.register(explicit);
    expect(await pending).toBe(explicit);
    expect(await registry.get("fakeprov")).toBe(explicit);
  });

  it("rejects something that is not a provider plugin", () => {
    expect(() => new ProviderRegistry([]).register({ id: "x" } as unknown as ProviderPlugin)).toThrow(TypeError);
  });

  it("does not report packages as registered", async () => {
    const { dir } = project("npm");
    const registry = new ProviderRegistry([dir]);
    await registry.get("fakeprov");
    expect(registry.registered("nope")).toBeUndefined();
  });
});

describe("ProviderRegistry: packages anyone can publish", () => {
  it("finds the community convention dheera-provider-<prefix> when there is no @dheera/<prefix>", async () => {
    const { dir, loads } = project("pnpm", { name: "dheera-provider-fakeprov" });
    const plugin = await new ProviderRegistry([dir]).get("fakeprov");
    expect(plugin.id).toBe("fakeprov");
    expect(loadsOf(loads)).toBe(1);
  });

  it("prefers @dheera/<prefix> over the community name", async () => {
    const { dir } = project("npm");
    const community = project("npm", { name: "dheera-provider-fakeprov", files: { "index.js": 'throw new Error("the community package was imported");' } });
    const plugin = await new ProviderRegistry([dir, community.dir]).get("fakeprov");
    expect(plugin.id).toBe("fakeprov");
  });

  it("loads the package the host names for a prefix, under any name and scope, and only that one", async () => {
    const { dir, loads } = project("npm", { name: "@acme/gateway-provider" });
    const plugin = await new ProviderRegistry({ searchFrom: [dir], packages: { acme: "@acme/gateway-provider" } }).get("acme");
    expect(plugin.id).toBe("fakeprov");
    expect(loadsOf(loads)).toBe(1);
    // Named but not installed: said so, without falling back to the conventions.
    const fallback = project("npm", { name: "dheera-provider-acme" });
    const err = await new ProviderRegistry({ searchFrom: [fallback.dir], packages: { acme: "@acme/missing" } }).get("acme").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderNotInstalledError);
    expect((err as Error).message).toBe('Provider "acme" is not installed: its package @acme/missing (named for it under providers) was not found. Run: npm install @acme/missing');
    expect(err).toMatchObject({ packageName: "@acme/missing", packageNames: ["@acme/missing"] });
  });

  it.each([
    [{ "Acme": "x" }, /not a provider prefix/],
    [{ acme: "../../etc" }, /not an npm package name/],
    [{ acme: "/abs/path" }, /not an npm package name/],
    [{ acme: "@scope" }, /not an npm package name/],
  ])("refuses a package map %j naming something other than a package", (packages, message) => {
    expect(() => new ProviderRegistry({ searchFrom: [scratch], packages })).toThrow(message);
  });
});

describe("ProviderRegistry: errors", () => {
  it("reports a missing package with every name it looked for and how to install or name one", async () => {
    const { dir } = project("npm");
    const err = await new ProviderRegistry([dir]).get("nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderNotInstalledError);
    expect((err as Error).message).toBe(
      'Provider "nope" is not installed: none of @dheera/nope, dheera-provider-nope was found. Run: npm install @dheera/nope (or npm install dheera-provider-nope for a community provider), or name the package that provides "nope" under providers in config.yaml (providerPackages in the SDK).',
    );
    expect(err).toMatchObject({ status: 400, code: "provider_not_installed", param: "model", provider: "nope", packageName: "@dheera/nope", packageNames: ["@dheera/nope", "dheera-provider-nope"] });
  });

  it.each(["Azure", "../azure", "@evil/pkg", "a/b", "", "-x", "azure "])("rejects the invalid prefix %j before looking on disk", async (prefix) => {
    const err = await new ProviderRegistry([scratch]).get(prefix).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).toMatchObject({ status: 400, code: "invalid_model", param: "model" });
  });

  it("reports a package that exports no plugin", async () => {
    const { dir } = project("npm", { files: { "index.js": "export default { hello: 'world' };" } });
    const err = await new ProviderRegistry([dir]).get("fakeprov").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).toMatchObject({ code: "invalid_provider", message: "Package @dheera/fakeprov does not export a Dheera provider plugin." });
  });

  it("reports a package whose exports map has no entry for import", async () => {
    const { dir } = project("npm", { manifest: { exports: { ".": { require: "./index.cjs" } } } });
    await expect(new ProviderRegistry([dir]).get("fakeprov")).rejects.toMatchObject({ code: "invalid_provider" });
  });

  it("reports a package that fails while loading, keeping the cause", async () => {
    const { dir } = project("npm", { files: { "index.js": 'throw new Error("missing peer dependency");' } });
    const err = await new ProviderRegistry([dir]).get("fakeprov").catch((e: unknown) => e);
    expect(DheeraError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({ status: 500, code: "provider_load_failed", provider: "fakeprov", message: "Provider package @dheera/fakeprov could not be loaded." });
    expect((err as Error).cause).toMatchObject({ message: "missing peer dependency" });
  });

  it("looks again after a failure: a package installed later is found", async () => {
    const dir = path.join(scratch, `later-${++projects}`);
    mkdirSync(dir);
    const registry = new ProviderRegistry([dir]);
    await expect(registry.get("fakeprov")).rejects.toBeInstanceOf(ProviderNotInstalledError);
    const installed = project("npm");
    rmSync(dir, { recursive: true });
    symlinkSync(installed.dir, dir, "dir");
    expect((await registry.get("fakeprov")).id).toBe("fakeprov");
  });
});
