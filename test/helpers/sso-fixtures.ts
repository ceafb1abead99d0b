/** Shared set-ups for tests that play a client of the emulator or write a user's files. */

export interface HttpSignIn {
  clientId: string;
  clientSecret: string;
  clientSecretExpiresAt: number;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await r.json()) as T;
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Register, device authorization and CreateToken over plain HTTP (the emulator must auto-approve at once). */
export async function signInOverHttp(emulatorUrl: string, startUrl: string, clientName = "test-client"): Promise<HttpSignIn> {
  const reg = await post<{ clientId: string; clientSecret: string; clientSecretExpiresAt: number }>(`${emulatorUrl}/client/register`, {
    clientName,
    clientType: "public",
    scopes: ["sso:account:access"],
  });
  const dev = await post<{ deviceCode: string }>(`${emulatorUrl}/device_authorization`, {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    startUrl,
  });
  const token = await post<{ accessToken: string; refreshToken: string; expiresIn: number }>(`${emulatorUrl}/token`, {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    grantType: "urn:ietf:params:oauth:grant-type:device_code",
    deviceCode: dev.deviceCode,
  });
  return { ...reg, ...token };
}

/** `[profile P]` in the sso-session form plus its `[sso-session S]`, as `aws configure sso` writes them. */
export function sessionProfileConfig(o: {
  startUrl: string;
  profile?: string;
  session?: string;
  accountId?: string;
  roleName?: string;
  region?: string;
}): string {
  const { profile = "p", session = "s", accountId = "100000000001", roleName = "AdministratorAccess", region = "us-east-1" } = o;
  return [
    `[profile ${profile}]`,
    `sso_session = ${session}`,
    `sso_account_id = ${accountId}`,
    `sso_role_name = ${roleName}`,
    `region = ${region}`,
    "",
    `[sso-session ${session}]`,
    `sso_start_url = ${o.startUrl}`,
    `sso_region = ${region}`,
    "sso_registration_scopes = sso:account:access",
    "",
  ].join("\n");
}
