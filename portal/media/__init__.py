"""Evidence files: checking and cleaning uploads, and serving decrypted files. Used by every package that takes
or shows files (intake, cases, company); knows nothing of cases."""
