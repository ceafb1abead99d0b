import { BadValueError } from "../errors.js";

// Where the console sign-in goes: the federation endpoint and console host of a region's
// partition, the console page of a service, and the login link (docs/protocol/credential-formats.md §3).

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/** The partition of a region with a public console; ISO partitions have none. */
export function partitionOf(region: string): Partition | undefined {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) && !/-iso[a-z]*-/.test(region) && !region.startsWith("eusc-")) return "aws";
  return undefined;
}

const DOMAIN: Record<Partition, string> = { aws: "aws.amazon.com", "aws-cn": "amazonaws.cn", "aws-us-gov": "amazonaws-us-gov.com" };

/** The first region of each partition is served by the unprefixed hosts (docs/protocol/credential-formats.md §3.1). */
const UNPREFIXED = new Set(["us-east-1", "cn-north-1", "us-gov-west-1"]);

function checkedPartition(region: string): Partition {
  const p = partitionOf(region);
  if (!p)
    throw new BadValueError(
      `Region ${region} has no public AWS console to sign in to.`,
      "Pass --region with a region of the aws, aws-cn or aws-us-gov partition.",
    );
  return p;
}

function host(kind: "signin" | "console", region: string): string {
  const prefix = UNPREFIXED.has(region) ? "" : `${region}.`;
  return `${prefix}${kind}.${DOMAIN[checkedPartition(region)]}`;
}

/** The federation endpoint for a region: `https://<region>.signin.aws.amazon.com/federation` and its partition kin. */
export function federationUrl(region: string, override?: string): string {
  if (override) return `${override.replace(/\/+$/, "")}/federation`;
  return `https://${host("signin", region)}/federation`;
}

export function consoleBaseUrl(region: string): string {
  return `https://${host("console", region)}/`;
}

interface ConsoleService {
  /** The path before `/home` (docs/protocol/credential-formats.md §3.5). */
  path: string;
  /** Global services take no `?region=`. */
  global?: boolean;
}

/** Service names (and the short names people type) → console pages. */
const SERVICES: Record<string, ConsoleService> = {
  home: { path: "console" },
  acm: { path: "acm" },
  apigateway: { path: "apigateway" },
  athena: { path: "athena" },
  billing: { path: "billing", global: true },
  cloudformation: { path: "cloudformation" },
  cloudfront: { path: "cloudfront/v4", global: true },
  cloudtrail: { path: "cloudtrail" },
  cloudwatch: { path: "cloudwatch" },
  codebuild: { path: "codesuite/codebuild" },
  codepipeline: { path: "codesuite/codepipeline" },
  dynamodb: { path: "dynamodbv2" },
  ec2: { path: "ec2/v2" },
  ecr: { path: "ecr" },
  ecs: { path: "ecs" },
  eks: { path: "eks" },
  elasticbeanstalk: { path: "elasticbeanstalk" },
  events: { path: "events" },
  guardduty: { path: "guardduty" },
  iam: { path: "iamv2", global: true },
  kms: { path: "kms" },
  lambda: { path: "lambda" },
  organizations: { path: "organizations/v2", global: true },
  rds: { path: "rds" },
  route53: { path: "route53/v2", global: true },
  s3: { path: "s3" },
  sagemaker: { path: "sagemaker" },
  secretsmanager: { path: "secretsmanager" },
  securityhub: { path: "securityhub" },
  sns: { path: "sns/v3" },
  sqs: { path: "sqs/v3" },
  ssm: { path: "systems-manager" },
  states: { path: "states" },
  vpc: { path: "vpc" },
};

const ALIASES: Record<string, string> = {
  console: "home",
  cfn: "cloudformation",
  cw: "cloudwatch",
  ddb: "dynamodb",
  eventbridge: "events",
  r53: "route53",
  sfn: "states",
  stepfunctions: "states",
  "systems-manager": "ssm",
};

/** The service names `--destination` knows, sorted, for help and errors. */
export const CONSOLE_SERVICE_NAMES: readonly string[] = Object.keys(SERVICES).sort();

/**
 * The console page to land on: an https URL as given; a service name (`ec2`, `s3`, …) as that
 * service's page in the region; nothing: the console home. An unknown name is refused.
 */
export function resolveDestination(destination: string | undefined, region: string): string {
  const base = consoleBaseUrl(region);
  if (destination === undefined) return `${base}console/home?region=${region}`;
  const given = destination.trim();
  if (given === "")
    throw new BadValueError("--destination is empty.", `Give a console URL or a service name: ${CONSOLE_SERVICE_NAMES.join(", ")}.`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(given)) {
    let url: URL | undefined;
    try {
      url = new URL(given);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "https:" || /\s/.test(given))
      throw new BadValueError(`--destination must be an https:// console URL or a service name, not "${destination}".`);
    return url.toString();
  }
  const name = given.toLowerCase();
  const service = SERVICES[ALIASES[name] ?? name];
  if (!service) {
    throw new BadValueError(
      `Unknown console service "${destination}".`,
      `Known services: ${CONSOLE_SERVICE_NAMES.join(", ")}; or give the page's https:// URL.`,
    );
  }
  return `${base}${service.path}/home${service.global ? "" : `?region=${region}`}`;
}

/**
 * Step 2 of docs/protocol/credential-formats.md §3.3. The issuer is where the console sends the
 * person when the session ends: the access portal they came from.
 */
export function buildLoginUrl(federation: string, p: { issuer: string; destination: string; signinToken: string }): string {
  const query = new URLSearchParams({ Action: "login", Issuer: p.issuer, Destination: p.destination, SigninToken: p.signinToken });
  return `${federation}?${query.toString()}`;
}
