// The reusable pipeline checks, for other steps (the pipelines step audits every workflow and
// template paved ships with them).

export { auditGithubWorkflow, GITHUB_RULES, type GithubAuditOptions } from './github';
export { auditGitlabCi, GITLAB_RULES } from './gitlab';
export { importSarif } from './sarif-import';
