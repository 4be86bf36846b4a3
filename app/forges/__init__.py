"""GitHub and GitLab behind one Forge interface."""
