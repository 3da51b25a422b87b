"""The offline engine of `python -m ops plan|check`: no Pulumi CLI, no provider plugins, no cloud.

- project.py, stack_files.py: Pulumi.yaml + Pulumi.<stack>.yaml loaded as the CLI hands them to a program;
- recording.py (recorded_plan.py, recording_monitor.py, aws_mocks.py and its handlers): the program run under
  Pulumi's mocks, every registered resource recorded;
- analyzer.py (pack_process.py, analyzer_messages.py, pack_types.py, policy_config.py), pack_feed.py: the
  policy pack run as the CLI runs it and driven over the analyzer protocol;
- plan.py, check.py, secret_leaks.py, report.py: the plan, the check and their reports;
- commands.py: the `plan` and `check` sub-commands.

Nothing here imports pulumi or grpc at module import time except the modules that are only loaded inside the
command handlers (aws_mocks.py and the mock handlers), so `python -m ops --help` stays fast.
"""
