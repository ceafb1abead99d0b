"""boto3/botocore against the sso-cli emulator: every step prints one JSON line the test checks.

Run with AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_STS pointing at the
emulator, and ADMIN_URL / START_URL set. The emulator must auto-approve after ~1.5 s.
"""
import json
import os
import sys
import time
import urllib.request

import boto3
import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.httpsession import URLLib3Session

ADMIN = os.environ["ADMIN_URL"]
START_URL = os.environ["START_URL"]
EMU = os.environ["AWS_ENDPOINT_URL_SSO"]
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def out(step, **kw):
    print(json.dumps({"step": step, **kw}), flush=True)


def admin(path, body):
    req = urllib.request.Request(ADMIN + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def code_of(fn):
    """Calls fn; returns (exception class name, error code, message) of the ClientError it raises."""
    try:
        fn()
    except ClientError as e:
        return type(e).__name__, e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    return None, None, None


session = boto3.Session(region_name="us-east-1")
oidc = session.client("sso-oidc", config=NO_RETRY)
sso = session.client("sso", config=NO_RETRY)

# 1. register → device authorization → polling through pending and slow_down → token
reg = oidc.register_client(clientName="botocore-client-interop", clientType="public", scopes=["sso:account:access"])
out("register", hasSecret=bool(reg["clientSecret"]), expiresInDays=round((reg["clientSecretExpiresAt"] - time.time()) / 86400))
cid, csec = reg["clientId"], reg["clientSecret"]
dev = oidc.start_device_authorization(clientId=cid, clientSecret=csec, startUrl=START_URL)
out("device", userCode=dev["userCode"], interval=dev["interval"], expiresIn=dev["expiresIn"],
    completeHasCode=dev["userCode"] in dev["verificationUriComplete"])
events = []
interval = dev["interval"]
token = None
first = True
for _ in range(30):
    try:
        token = oidc.create_token(clientId=cid, clientSecret=csec, deviceCode=dev["deviceCode"],
                                  grantType="urn:ietf:params:oauth:grant-type:device_code")
        events.append("token")
        break
    except oidc.exceptions.AuthorizationPendingException:
        events.append("AuthorizationPendingException")
    except oidc.exceptions.SlowDownException:
        events.append("SlowDownException")
        interval += 5
    if first:
        first = False  # poll again at once, as the AWS CLI does: the emulator must say slow_down
        continue
    time.sleep(interval)
out("poll", events=events, tokenType=token["tokenType"], expiresIn=token["expiresIn"], hasRefresh="refreshToken" in token)

# 2. refresh_token grant with rotation; the old refresh token is single-use
r1 = oidc.create_token(clientId=cid, clientSecret=csec, grantType="refresh_token", refreshToken=token["refreshToken"])
reuse = code_of(lambda: oidc.create_token(clientId=cid, clientSecret=csec, grantType="refresh_token",
                                          refreshToken=token["refreshToken"]))
r2 = oidc.create_token(clientId=cid, clientSecret=csec, grantType="refresh_token", refreshToken=r1["refreshToken"])
out("refresh", rotated=r1["refreshToken"] != token["refreshToken"], newAccess=r1["accessToken"] != token["accessToken"],
    reuse=list(reuse), secondRefreshOk=bool(r2["accessToken"]))
access = r2["accessToken"]

# 3. paginators with a page size of 2 return every item
pages = list(sso.get_paginator("list_accounts").paginate(accessToken=access, PaginationConfig={"PageSize": 2}))
accounts = [a for p in pages for a in p["accountList"]]
roles = {}
for a in accounts:
    rp = list(sso.get_paginator("list_account_roles").paginate(accessToken=access, accountId=a["accountId"],
                                                               PaginationConfig={"PageSize": 2}))
    roles[a["accountId"]] = [r["roleName"] for p in rp for r in p["roleList"]]
out("paginate", accountPages=len(pages), accounts=[a["accountId"] for a in accounts], roles=roles)

# 4. GetRoleCredentials keys sign a GetCallerIdentity the emulator verifies
acct = accounts[0]["accountId"]
role = roles[acct][0]
creds = sso.get_role_credentials(accessToken=access, accountId=acct, roleName=role)["roleCredentials"]
sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id=creds["accessKeyId"],
                   aws_secret_access_key=creds["secretAccessKey"], aws_session_token=creds["sessionToken"], config=NO_RETRY)
ident = sts.get_caller_identity()
out("identity", arn=ident["Arn"], account=ident["Account"], userId=ident["UserId"],
    keyPrefix=creds["accessKeyId"][:4], expiresInS=round(creds["expiration"] / 1000 - time.time()))

# 5. a request signed with a tampered body is rejected
req = AWSRequest(method="POST", url=os.environ["AWS_ENDPOINT_URL_STS"] + "/",
                 data="Action=GetCallerIdentity&Version=2011-06-15",
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials(creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]), "sts", "us-east-1").add_auth(req)
req.data = "Action=GetCallerIdentity&Version=2011-06-15&Extra=1"
prepared = req.prepare()
resp = URLLib3Session().send(prepared)
out("tampered", status=resp.status_code, code=("SignatureDoesNotMatch" if b"SignatureDoesNotMatch" in resp.content else resp.content.decode()[:200]))

wrong = boto3.client("sts", region_name="us-east-1", aws_access_key_id=creds["accessKeyId"],
                     aws_secret_access_key="x" * 40, aws_session_token=creds["sessionToken"], config=NO_RETRY)
unknown = boto3.client("sts", region_name="us-east-1", aws_access_key_id="ASIAAAAAAAAAAAAAAAAA",
                       aws_secret_access_key="x" * 40, aws_session_token="t", config=NO_RETRY)
out("sts-errors", wrongSecret=list(code_of(wrong.get_caller_identity)), unknownKey=list(code_of(unknown.get_caller_identity)))

# 5b. a presigned GET (query-string signature), as botocore makes it, is accepted
url = sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
presigned = URLLib3Session().send(AWSRequest(method="GET", url=url).prepare())
out("presigned", status=presigned.status_code, hasArn=("<Arn>" + ident["Arn"] + "</Arn>") in presigned.content.decode())

# 6. each portal error with its code, as the modeled exception where the model has one
errors = {}
errors["unauthorized"] = code_of(lambda: sso.list_accounts(accessToken="nope"))
errors["invalidRequest"] = code_of(lambda: sso.get_role_credentials(accessToken=access, accountId="12345", roleName=role))
admin("/_admin/config", {"forbid": [f"{acct}:{role}"]})
errors["forbidden"] = code_of(lambda: sso.get_role_credentials(accessToken=access, accountId=acct, roleName=role))
admin("/_admin/config", {"forbid": []})
admin("/_admin/inject", {"operation": "ListAccounts", "status": 429, "error": "TooManyRequestsException", "count": 1})
errors["throttled"] = code_of(lambda: sso.list_accounts(accessToken=access))
out("portal-errors", **{k: list(v) for k, v in errors.items()})

# 7. OIDC errors
oerr = {}
oerr["invalidClient"] = code_of(lambda: oidc.start_device_authorization(clientId="nope", clientSecret="nope", startUrl=START_URL))
oerr["invalidGrant"] = code_of(lambda: oidc.create_token(clientId=cid, clientSecret=csec, grantType="refresh_token", refreshToken="nope"))
oerr["unsupportedGrant"] = code_of(lambda: oidc.create_token(clientId=cid, clientSecret=csec, grantType="password"))
oerr["invalidRequest"] = code_of(lambda: oidc.create_token(clientId=cid, clientSecret=csec, grantType="urn:ietf:params:oauth:grant-type:device_code"))
admin("/_admin/config", {"autoApproveMs": -1})
d2 = oidc.start_device_authorization(clientId=cid, clientSecret=csec, startUrl=START_URL)
admin("/_admin/approve", {"user_code": d2["userCode"], "deny": True})
oerr["accessDenied"] = code_of(lambda: oidc.create_token(clientId=cid, clientSecret=csec, deviceCode=d2["deviceCode"],
                                                         grantType="urn:ietf:params:oauth:grant-type:device_code"))
d3 = oidc.start_device_authorization(clientId=cid, clientSecret=csec, startUrl=START_URL)
admin("/_admin/expire", {"what": "device_codes"})
oerr["expired"] = code_of(lambda: oidc.create_token(clientId=cid, clientSecret=csec, deviceCode=d3["deviceCode"],
                                                    grantType="urn:ietf:params:oauth:grant-type:device_code"))
admin("/_admin/inject", {"operation": "CreateToken", "status": 500, "error": "InternalServerException", "count": 1})
oerr["internal"] = code_of(lambda: oidc.create_token(clientId=cid, clientSecret=csec, grantType="refresh_token", refreshToken=r2["refreshToken"]))
out("oidc-errors", **{k: list(v) for k, v in oerr.items()})
