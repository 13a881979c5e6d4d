"""The access log: who read which review, when and why; append-only, with its own Merkle tree and checkpoints."""
