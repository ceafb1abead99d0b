import type { EmulatorState, Session } from "./emulator-state.js";
import { paginate } from "./pagination.js";
import { jsonResponse, portalError } from "./rest-json.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

/**
 * The SSO portal (restJson1, bearer token in `x-amz-sso_bearer_token`): GetRoleCredentials,
 * ListAccounts, ListAccountRoles, Logout (docs/protocol/sso-portal.md §2–§4).
 */
export type PortalOperation = "GetRoleCredentials" | "ListAccounts" | "ListAccountRoles" | "Logout";

export interface PortalResult {
  response: EmuResponse;
  errorCode?: string;
}

const ACCOUNT_ID = /^\d{12}$/;

function errorsFor(requestId: string) {
  const e =
    (status: number, name: string) =>
    (message: string): PortalResult => ({
      response: portalError(status, name, message, requestId),
      errorCode: name,
    });
  return {
    unauthorized: e(401, "UnauthorizedException"),
    forbidden: e(403, "ForbiddenException"),
    invalidRequest: e(400, "InvalidRequestException"),
    notFound: e(404, "ResourceNotFoundException"),
  };
}

function authenticate(state: EmulatorState, req: EmuRequest, requestId: string): Session | PortalResult {
  const header = req.headers["x-amz-sso_bearer_token"];
  const token = Array.isArray(header) ? header[0] : header;
  const auth = state.authenticate(token);
  if (!auth.ok) return errorsFor(requestId).unauthorized("Session token not found or invalid");
  return auth.session;
}

export function getRoleCredentials(state: EmulatorState, req: EmuRequest, requestId: string): PortalResult {
  const errors = errorsFor(requestId);
  const session = authenticate(state, req, requestId);
  if ("response" in session) return session;
  const accountId = req.query.get("account_id");
  const roleName = req.query.get("role_name");
  if (!accountId || !roleName) return errors.invalidRequest("account_id and role_name are required");
  if (!ACCOUNT_ID.test(accountId)) return errors.invalidRequest("Invalid account id");
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) return errors.invalidRequest("Invalid role name");
  const directory = state.directory;
  if (!directory.hasRole(accountId, roleName) || directory.isForbidden(accountId, roleName)) {
    return errors.forbidden("No access");
  }
  const c = state.issueRoleCredentials(accountId, roleName, session.user);
  return {
    response: jsonResponse(
      200,
      {
        roleCredentials: {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          // Epoch milliseconds (docs/protocol/sso-portal.md §2); seconds would read as 1970 to every client.
          expiration: c.expiresAtMs,
        },
      },
      requestId,
    ),
  };
}

export function listAccounts(state: EmulatorState, req: EmuRequest, requestId: string): PortalResult {
  const errors = errorsFor(requestId);
  const session = authenticate(state, req, requestId);
  if ("response" in session) return session;
  const directory = state.directory;
  const r = paginate({
    total: directory.accountCount,
    listId: "accounts",
    nextToken: req.query.get("next_token"),
    maxResults: req.query.get("max_result"),
    serverPageSize: state.options.pageSize,
  });
  if (!r.ok) return errors.invalidRequest(r.message);
  const accountList = [];
  for (let i = r.page.start; i < r.page.end; i++) accountList.push(directory.accountAt(i));
  return { response: jsonResponse(200, { accountList, ...(r.page.nextToken ? { nextToken: r.page.nextToken } : {}) }, requestId) };
}

export function listAccountRoles(state: EmulatorState, req: EmuRequest, requestId: string): PortalResult {
  const errors = errorsFor(requestId);
  const session = authenticate(state, req, requestId);
  if ("response" in session) return session;
  const accountId = req.query.get("account_id");
  if (!accountId) return errors.invalidRequest("account_id is required");
  if (!ACCOUNT_ID.test(accountId)) return errors.invalidRequest("Invalid account id");
  const directory = state.directory;
  if (directory.indexOf(accountId) === undefined) return errors.forbidden("No access");
  const roles = directory.rolesOf(accountId);
  const r = paginate({
    total: roles.length,
    listId: `roles/${accountId}`,
    nextToken: req.query.get("next_token"),
    maxResults: req.query.get("max_result"),
    serverPageSize: state.options.pageSize,
  });
  if (!r.ok) return errors.invalidRequest(r.message);
  const roleList = roles.slice(r.page.start, r.page.end).map((roleName) => ({ roleName, accountId }));
  return { response: jsonResponse(200, { roleList, ...(r.page.nextToken ? { nextToken: r.page.nextToken } : {}) }, requestId) };
}

export function logout(state: EmulatorState, req: EmuRequest, requestId: string): PortalResult {
  const session = authenticate(state, req, requestId);
  if ("response" in session) return session;
  state.revokeSession(session.id);
  return { response: { status: 200, headers: { "x-amzn-requestid": requestId, "content-length": "0" }, body: "" } };
}
