"""Operations for fargate-platform: `ops.offline` (plan/check under mocks, no cloud) and `ops.automation`
(Automation API stack commands), one command line in `ops.cli`."""
