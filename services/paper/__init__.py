"""What township staff send up to the county: reading entries, the 汇总表, printable forms,
evidence, the work report, the manifest; shared by the entries/stats/audit/export commands."""
