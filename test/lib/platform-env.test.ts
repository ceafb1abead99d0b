import { describe, expect, it } from "vitest";
import { copyEnv, envValue } from "../../src/lib/platform-env.js";

describe("environment names by platform", () => {
  it("on Windows, a copy of the environment finds a name in any case, as Windows does", () => {
    const env = copyEnv({ aws_profile: "prod", Path: "C:\\bin" }, "win32");
    expect(env.AWS_PROFILE).toBe("prod");
    expect("PATH" in env).toBe(true);
    env.AWS_PROFILE = "dev";
    expect(Object.entries(env)).toEqual([
      ["aws_profile", "dev"],
      ["Path", "C:\\bin"],
    ]);
    delete env.PATH;
    expect(Object.keys(env)).toEqual(["aws_profile"]);
    expect(envValue({ ComSpec: "C:\\cmd.exe" }, "COMSPEC", "win32")).toBe("C:\\cmd.exe");
  });

  it("elsewhere, names are exact", () => {
    const env = copyEnv({ aws_profile: "prod" }, "linux");
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(envValue({ Path: "/bin" }, "PATH", "darwin")).toBeUndefined();
  });
});
