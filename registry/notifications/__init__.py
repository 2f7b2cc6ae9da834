"""Back-office (and e-mail) notices of new, nearly due and overdue requests; `mulu deadlines check`."""
