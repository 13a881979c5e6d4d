"""Read models built from the global log: one projection per question, each rebuildable from 0."""
