"""The Compress tab: pruning, int8, the comparison table and export."""
