"""Verifiable audit: an RFC 9162 Merkle tree over the global log, signed checkpoints, proofs, export."""
