"""Reports as people see them: roles and access, the status table, events, tracking
codes and the read selectors."""
