"""Operations for fargate-platform: the offline check (plan/check) and Automation API scripts."""
