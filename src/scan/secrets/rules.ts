// Secret rules: the compiled form every rule takes (whether from paved's own default set or from a
// team's `.gitleaks.toml`), and paved's own default rule set, written in RE2 syntax and compiled by
// the same translator so a rule behaves identically wherever it comes from.

import type { Severity } from '../model';
import { compileGoRegex } from './regex';

export type RegexTarget = 'secret' | 'match' | 'line';

export interface Allowlist {
  description?: string;
  /** OR: any criterion suppresses; AND: every criterion that is set must match. */
  condition: 'OR' | 'AND';
  commits: string[];
  paths: RegExp[];
  regexes: RegExp[];
  regexTarget: RegexTarget;
  stopwords: string[];
  /** Global allowlists only: the rules it applies to (empty = all). */
  targetRules: string[];
}

export interface SecretRule {
  id: string;
  description: string;
  regex?: RegExp;
  path?: RegExp;
  secretGroup?: number;
  entropy?: number;
  /** Lower-cased; the regex only runs on text that contains one of them (none = always). */
  keywords: string[];
  tags: string[];
  severity: Severity;
  allowlists: Allowlist[];
}

export interface RuleSet {
  rules: SecretRule[];
  allowlists: Allowlist[];
  /** Rules of a config that could not be used, by id, with the reason. */
  rejected: Array<{ id: string; reason: string }>;
  source: string;
}

interface DefaultRule {
  id: string;
  description: string;
  regex: string;
  keywords: string[];
  severity: Severity;
  secretGroup?: number;
  entropy?: number;
  tags?: string[];
  /** Rule allowlists: regexes on the secret (default), the whole match or the line. */
  allow?: Array<{ regexes: string[]; target?: RegexTarget }>;
}

// Shared tails: what may follow a token (end of a quoted value, separator, escaped newline, end).
const END = `(?:[\\x60'"\\s;,)]|\\\\[nr]|$)`;
// A key-name ... separator ... value assignment, for rules keyed on a word near the value.
const assign = (key: string, value: string) =>
  `(?i)(?:${key})[\\w.-]{0,20}[\\s'"]{0,3}(?:=|:=|:|=>|\\?=)[\\s'"\\x60]{0,5}(${value})${END}`;

const DEFAULT_RULES: DefaultRule[] = [
  // Cloud providers
  { id: 'aws-access-key-id', description: 'AWS access key id', regex: `\\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\\b`, keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'], severity: 'critical', entropy: 3 },
  { id: 'aws-secret-access-key', description: 'AWS secret access key next to an AWS key name', regex: assign('aws_?secret_?access_?key|aws_?secret|secret_?access_?key', '[A-Za-z0-9/+=]{40}'), keywords: ['secret'], severity: 'critical', entropy: 4 },
  { id: 'gcp-api-key', description: 'Google Cloud / Firebase API key', regex: `\\b(AIza[\\w-]{35})${END}`, keywords: ['aiza'], severity: 'high', entropy: 3.5 },
  { id: 'gcp-oauth-client-secret', description: 'Google OAuth client secret', regex: `\\b(GOCSPX-[\\w-]{28})${END}`, keywords: ['gocspx-'], severity: 'high' },
  // The Azurite emulator's account (devstoreaccount1) has a published, well-known key.
  { id: 'azure-storage-account-key', description: 'Azure storage account key in a connection string', regex: `(?i)AccountKey=([A-Za-z0-9+/]{86}==)`, keywords: ['accountkey='], severity: 'critical', allow: [{ regexes: ['devstoreaccount1'], target: 'line' }] },
  { id: 'azure-ad-client-secret', description: 'Azure AD (Entra ID) client secret', regex: `(?:^|[\\s'"\\x60=:(])([a-zA-Z0-9_~.]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34})${END}`, keywords: ['q~'], severity: 'high' },
  { id: 'digitalocean-token', description: 'DigitalOcean token', regex: `\\b((?:dop|doo|dor)_v1_[a-f0-9]{64})${END}`, keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'], severity: 'high' },
  { id: 'hashicorp-vault-token', description: 'HashiCorp Vault service token', regex: `\\b(hvs\\.[\\w-]{90,120})${END}`, keywords: ['hvs.'], severity: 'high' },
  { id: 'databricks-token', description: 'Databricks personal access token', regex: `\\b(dapi[a-f0-9]{32}(?:-\\d)?)${END}`, keywords: ['dapi'], severity: 'high', entropy: 3 },
  { id: 'flyio-token', description: 'Fly.io access token', regex: `\\b((?:fo1_[\\w-]{43})|(?:fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}))${END}`, keywords: ['fo1_', 'fm1', 'fm2'], severity: 'high' },
  // Git hosting
  { id: 'github-token', description: 'GitHub personal, OAuth, app or refresh token', regex: `\\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\\b`, keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], severity: 'high', entropy: 3 },
  { id: 'github-fine-grained-token', description: 'GitHub fine-grained personal access token', regex: `\\b(github_pat_\\w{82})\\b`, keywords: ['github_pat_'], severity: 'high', entropy: 3 },
  { id: 'gitlab-token', description: 'GitLab personal, project, group or deploy token', regex: `\\b((?:glpat|gldt|glft|glsoat|glrt|glcbt|glimt|glagent|glptt)-[\\w-]{20,})\\b`, keywords: ['glpat-', 'gldt-', 'glft-', 'glsoat-', 'glrt-', 'glcbt-', 'glimt-', 'glagent-', 'glptt-'], severity: 'high', entropy: 3 },
  { id: 'gitlab-runner-registration-token', description: 'GitLab runner registration token', regex: `\\b(GR1348941[\\w-]{20})\\b`, keywords: ['gr1348941'], severity: 'high' },
  { id: 'bitbucket-app-password', description: 'Bitbucket app password or access token', regex: `\\b(ATBB[A-Za-z0-9_=.-]{28,})\\b`, keywords: ['atbb'], severity: 'high', entropy: 3.5 },
  // Chat and collaboration
  { id: 'slack-token', description: 'Slack bot, user, app or configuration token', regex: `\\b(xox[abeoprs]-(?:\\d+-)?[A-Za-z0-9-]{10,})\\b`, keywords: ['xoxa-', 'xoxb-', 'xoxe-', 'xoxo-', 'xoxp-', 'xoxr-', 'xoxs-'], severity: 'high', entropy: 3 },
  { id: 'slack-webhook-url', description: 'Slack incoming webhook URL', regex: `(https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{40,})`, keywords: ['hooks.slack.com'], severity: 'high' },
  { id: 'discord-webhook-url', description: 'Discord webhook URL', regex: `(https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{16,20}/[\\w-]{60,70})`, keywords: ['discord'], severity: 'medium' },
  { id: 'telegram-bot-token', description: 'Telegram bot token', regex: assign('telegram|tgbot|bot_?token', '\\d{8,10}:AA[\\w-]{33}'), keywords: ['telegram', 'tgbot', 'bot'], severity: 'medium' },
  { id: 'microsoft-teams-webhook', description: 'Microsoft Teams incoming webhook URL', regex: `(https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9@-]{70,}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9-]{36})`, keywords: ['webhook.office.com'], severity: 'medium' },
  // Payment
  { id: 'stripe-secret-key', description: 'Stripe live secret or restricted key', regex: `\\b((?:sk|rk)_live_[A-Za-z0-9]{24,99})\\b`, keywords: ['sk_live_', 'rk_live_'], severity: 'critical' },
  { id: 'stripe-test-key', description: 'Stripe test secret key', regex: `\\b((?:sk|rk)_test_[A-Za-z0-9]{24,99})\\b`, keywords: ['sk_test_', 'rk_test_'], severity: 'low' },
  { id: 'square-access-token', description: 'Square access token', regex: `\\b((?:EAAA|sq0atp-)[\\w-]{22,60})${END}`, keywords: ['eaaa', 'sq0atp-'], severity: 'high', entropy: 3.5 },
  { id: 'braintree-access-token', description: 'PayPal Braintree access token', regex: `(access_token\\$production\\$[a-z0-9]{16}\\$[a-f0-9]{32})`, keywords: ['access_token$production$'], severity: 'critical' },
  { id: 'shopify-token', description: 'Shopify access token', regex: `\\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\\b`, keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], severity: 'high' },
  // Developer platforms and APIs
  { id: 'npm-token', description: 'npm access token', regex: `\\b(npm_[A-Za-z0-9]{36})\\b`, keywords: ['npm_'], severity: 'high', entropy: 3 },
  { id: 'pypi-token', description: 'PyPI upload token', regex: `\\b(pypi-AgEIcHlwaS5vcmc[\\w-]{50,})${END}`, keywords: ['pypi-ageichlwas5vcmc'], severity: 'high' },
  { id: 'sendgrid-api-key', description: 'SendGrid API key', regex: `\\b(SG\\.[\\w-]{22}\\.[\\w-]{43})${END}`, keywords: ['sg.'], severity: 'high' },
  { id: 'twilio-api-key', description: 'Twilio API key', regex: `\\b(SK[0-9a-fA-F]{32})\\b`, keywords: ['sk'], severity: 'medium', entropy: 3 },
  { id: 'mailgun-api-key', description: 'Mailgun private API key', regex: `\\b(key-[a-f0-9]{32})\\b`, keywords: ['key-'], severity: 'medium', entropy: 3 },
  { id: 'openai-api-key', description: 'OpenAI API key', regex: `\\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})${END}`, keywords: ['t3blbkfj'], severity: 'high' },
  { id: 'anthropic-api-key', description: 'Anthropic API key', regex: `\\b(sk-ant-(?:api|admin)\\d{2}-[\\w-]{80,100})${END}`, keywords: ['sk-ant-'], severity: 'high' },
  { id: 'doppler-token', description: 'Doppler API token', regex: `\\b(dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44})\\b`, keywords: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.'], severity: 'high' },
  // Keys and tokens with a structure of their own
  { id: 'private-key', description: 'Private key (PEM / OpenSSH / PGP block)', regex: `(?i)(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S-]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)`, keywords: ['private key'], severity: 'critical' },
  { id: 'jwt', description: 'JSON Web Token', regex: `\\b(ey[A-Za-z0-9_-]{15,}\\.ey[A-Za-z0-9_/-]{15,}\\.[A-Za-z0-9_/+-]{10,}={0,2})${END}`, keywords: ['ey'], severity: 'medium', entropy: 3 },
  // Connection strings with an inline password: scheme://user:password@host
  { id: 'connection-string-password', description: 'Database or broker connection string with an inline password', regex: `(?i)\\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|redis(?:s)?|rediss|amqps?|mssql|sqlserver|oracle|jdbc:[a-z]+)://[^\\s:@/'"\\x60]{1,64}:([^\\s:@/'"\\x60$]{3,128})@[\\w.-]+`, keywords: ['://'], severity: 'high', entropy: 2 },
  { id: 'connection-string-ado-password', description: 'ADO.NET / ODBC connection string with a password', regex: `(?i)(?:server|data source|host)=[^;'"\\n]{1,100};[^'"\\n]{0,200}?(?:password|pwd)=([^;'"\\s]{4,128})`, keywords: ['password=', 'pwd='], severity: 'high', entropy: 2 },
  // Generic: a secret-sounding name assigned a high-entropy value
  { id: 'generic-secret-assignment', description: 'High-entropy value assigned to a password, secret, token or key name', regex: `(?i)[\\w.-]{0,40}?(?:passw(?:or)?d|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|client[_.-]?secret|auth[_.-]?key|credentials?)(?:[\\w.-]{0,20})[\\s'"]{0,3}(?:=|:=|:|=>|\\?=)[\\s'"\\x60]{0,5}([\\w.=+/~@#%^*!-]{10,150})${END}`, keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'], severity: 'medium', entropy: 3.5, tags: ['generic'],
    allow: [
      // An unquoted, digit-free identifier or member path (`credential = options.credential;`) is code, not a value.
      { regexes: ['(?:=|:|=>)\\s*[A-Za-z_$][A-Za-z_$.-]*[;,)\\s]?$', '[=!]=='], target: 'match' },
      // Environment variable names (`field: 'DATABRICKS_CLIENT_SECRET'`) name a secret, they are not one.
      { regexes: ['^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$'] },
      // Names that only describe a secret: secretName, token_type, keyId, password_length, ...
      { regexes: ['(?i)(?:passw(?:or)?d|secret|token|key|credentials?)[_.-]?(?:name|id|ids|type|length|size|path|file|url|uri|endpoint|field|label|hint|policy|version|provider|format|prefix|count|index|idx|ref|context|map|chars)\\b'], target: 'match' },
    ] },
];

/** Values that look assigned but are placeholders, references or templating, not secrets. */
const DEFAULT_ALLOWED_SECRETS = [
  `(?i)^(?:true|false|null|none|undefined|nil|changeme|change_me|example|sample|placeholder|redacted|xxx+|\\*+|<[^>]*>)$`,
  `^\\$\\{?[A-Za-z_][\\w.]*\\}?$`,
  `^\\$\\{\\{.*\\}\\}$`,
  `^\\{\\{.*\\}\\}$`,
  `^%[A-Za-z_]\\w*%$`,
  `^(?:process\\.env|os\\.environ|env|settings|config)\\b`,
  // Documentation tokens padded with a run of one character (ghp_PersonalAccessToken0000...).
  `0{8}|1{8}|x{8}|X{8}|\\*{4}|\\.{6}`,
];
const DEFAULT_STOPWORDS = ['example', 'sample', 'dummy', 'placeholder', 'your_', 'your-', 'xxxxxx', 'changeme', '123456', 'abcdefghijklmnopqrstuvwxyz'];
/** Files whose content is generated or third-party: lockfiles, vendored trees, minified bundles, images. */
export const DEFAULT_ALLOWED_PATHS = [
  `(?:^|/)(?:node_modules|bower_components|vendor|third_party|\\.venv|venv|site-packages|\\.git)(?:/|$)`,
  `(?:^|/)(?:package-lock\\.json|npm-shrinkwrap\\.json|yarn\\.lock|pnpm-lock\\.yaml|deno\\.lock|Pipfile\\.lock|poetry\\.lock|uv\\.lock|Cargo\\.lock|go\\.sum|composer\\.lock|Gemfile\\.lock)$`,
  `\\.min\\.(?:js|css)(?:\\.map)?$`,
  `(?i)\\.(?:png|jpe?g|gif|bmp|ico|svg|webp|tiff?|pdf|woff2?|eot|[ot]tf|zip|gz|tgz|jar|exe|dll|so|dylib|class|pyc)$`,
  `(?:^|/)\\.gitleaks(?:ignore|\\.toml)$`,
];

export function defaultRuleSet(): RuleSet {
  const rules = DEFAULT_RULES.map((r) => ({
    id: r.id,
    description: r.description,
    regex: compileGoRegex(r.regex, 'g'),
    secretGroup: r.secretGroup,
    entropy: r.entropy,
    keywords: r.keywords.map((k) => k.toLowerCase()),
    tags: r.tags ?? [],
    severity: r.severity,
    allowlists: (r.allow ?? []).map(
      (a): Allowlist => ({ condition: 'OR', commits: [], paths: [], regexes: a.regexes.map((p) => compileGoRegex(p)), regexTarget: a.target ?? 'secret', stopwords: [], targetRules: [] }),
    ),
  }));
  const allowlists: Allowlist[] = [
    {
      description: 'paved defaults: placeholders, templating and generated files',
      condition: 'OR',
      commits: [],
      paths: DEFAULT_ALLOWED_PATHS.map((p) => compileGoRegex(p)),
      regexes: DEFAULT_ALLOWED_SECRETS.map((p) => compileGoRegex(p)),
      regexTarget: 'secret',
      stopwords: [],
      targetRules: [],
    },
    {
      description: 'paved defaults: words that mark a generic value as an example',
      condition: 'OR',
      commits: [],
      paths: [],
      regexes: [],
      regexTarget: 'secret',
      stopwords: DEFAULT_STOPWORDS,
      targetRules: ['generic-secret-assignment', 'connection-string-password', 'connection-string-ado-password'],
    },
  ];
  return { rules, allowlists, rejected: [], source: 'paved default rules' };
}

/** Severity for a gitleaks rule id that paved has no opinion on, from the words in its id. */
export function severityForRuleId(id: string): Severity {
  if (/private-key|aws-access|aws-secret|gcp-service|azure-storage|stripe-access|live/.test(id)) return 'critical';
  if (/generic|jwt|test|webhook|curl|sidekiq/.test(id)) return 'medium';
  return 'high';
}
