"""The evaluation set's runner and judge: `make eval` (eval/README.md)."""
