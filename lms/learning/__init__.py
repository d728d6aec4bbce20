"""Learning: enrolment, the lesson player, quizzes and the progress projection."""
