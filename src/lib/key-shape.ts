// The shape of the role keys a service hands out (GetRoleCredentials, the AWS CLI's role cache):
// what STS issues, per the IAM API reference's Credentials type: an access key id of word
// characters (16 to 128 of them in practice), a base64 secret and session token. Checked where a
// reply or a cache file is read, so a hostile value (a quote, `&`, a line break, PowerShell's
// typographic quotes) never reaches `export`, the credentials file or a child's environment.

export const ACCESS_KEY_ID_SHAPE = /^[A-Za-z0-9_]{1,128}$/;
export const SECRET_ACCESS_KEY_SHAPE = /^[A-Za-z0-9+/=]{1,512}$/;
/** STS session tokens are base64, a few hundred to a few thousand characters. */
export const SESSION_TOKEN_SHAPE = /^[A-Za-z0-9+/=]{1,16384}$/;
/** Epoch milliseconds a Date holds (±8.64e15), from the portal's `expiration`. */
export const MAX_EPOCH_MS = 8.64e15;
