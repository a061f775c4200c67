"""`servicespec lsp`: the language server an editor starts (Language Server Protocol over
standard input and output, on pygls).

The editor's open documents are linted as they are typed, through the same workspace as
`lint` (`workspace.py`), so a service is resolved against the libraries it uses and an edit
to a library re-lints its users. The protocol's types (lsprotocol) and its server (pygls)
are imported only here, never by `lint`.
"""
