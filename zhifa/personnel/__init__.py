"""Officers, auxiliary staff, certificates and their annual review; who may enforce."""
