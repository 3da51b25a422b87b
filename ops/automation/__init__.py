"""The Automation API side of `python -m ops`: preview, up, destroy, refresh, drift, outputs, review.

- errors.py: exit codes, user-facing errors, the missing-CLI message and Automation API error translation;
- workspace.py: the project (its stacks and policy pack), stack selection, config copying and image tags;
- events.py: the engine event printer (progress lines, policy violations, drift);
- console.py, runner.py: output/confirmation and the plumbing every command shares;
- commands.py: the command handlers; parsers.py: their sub-commands of `python -m ops`.

`pulumi.automation` is imported only inside the handlers (after the CLI is found), never at import time.
"""
