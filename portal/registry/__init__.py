"""The registry of organisations and supply-chain sites: staff pages, operations, queries and the CSV import."""
