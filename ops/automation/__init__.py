"""The Automation API side of `python -m ops`: preview, up, destroy, refresh, drift, outputs, review, status.

- errors.py: exit codes, user-facing errors, the missing-CLI message and Automation API error translation;
- workspace.py: the project (its stacks and policy pack), stack selection, config copying and image tags;
- events.py: the engine event printer (progress lines, policy violations, drift);
- console.py, runner.py: output/confirmation and the plumbing every command shares;
- commands.py: the command handlers; parsers.py: their sub-commands of `python -m ops`;
- status.py (the stack outputs and AWS read through boto3, the model), status_view.py (its table, progress
  and JSON) and status_command.py (`status` and its `--watch` loop, with its own sub-command).

`pulumi.automation` and boto3 are imported only inside the handlers (after the CLI is found), never at import
time.
"""
