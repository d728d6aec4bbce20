"""Tables of open answers, their files and grades, and question-pool draws."""
