"""The consolidated codes (legi-data), the citation check and the conversion of legal references."""
