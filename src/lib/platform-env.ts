type Env = Record<string, string | undefined>;

/**
 * Windows' environment names are case-insensitive: `set aws_profile=prod` is AWS_PROFILE to every
 * program, `Path` is PATH. Node's `process.env` keeps that, a copy of it (`{...process.env}`) does
 * not. This copy does on win32 (a lookup, test, change or removal finds a name in any case), and is
 * a plain object everywhere else.
 */
export function copyEnv(source: Readonly<Env>, platform: NodeJS.Platform): Env {
  const copy: Env = { ...source };
  if (platform !== "win32") return copy;
  const actual = (target: Env, name: string | symbol): string | symbol => {
    if (typeof name !== "string" || Object.hasOwn(target, name)) return name;
    const upper = name.toUpperCase();
    return Object.keys(target).find((k) => k.toUpperCase() === upper) ?? name;
  };
  return new Proxy(copy, {
    get: (target, name) => Reflect.get(target, actual(target, name)),
    has: (target, name) => Reflect.has(target, actual(target, name)),
    set: (target, name, value) => Reflect.set(target, actual(target, name), value),
    deleteProperty: (target, name) => Reflect.deleteProperty(target, actual(target, name)),
    getOwnPropertyDescriptor: (target, name) => Reflect.getOwnPropertyDescriptor(target, actual(target, name)),
  });
}

/** Whether two environment names are the same variable on this platform. */
export function sameEnvName(a: string, b: string, platform: NodeJS.Platform): boolean {
  return platform === "win32" ? a.toUpperCase() === b.toUpperCase() : a === b;
}

/** An environment variable's value, its name matched as this platform does (PATH and Path on Windows). */
export function envValue(env: Readonly<Env>, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32") return env[name];
  const key = Object.keys(env).find((k) => sameEnvName(k, name, platform) && env[k] !== undefined);
  return key === undefined ? undefined : env[key];
}
