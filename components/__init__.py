"""ComponentResources of the fargate-platform program (one concern per module; see DESIGN.md §5)."""
