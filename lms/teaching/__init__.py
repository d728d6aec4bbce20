"""The trainers' cockpit: what a trainer needs once learners are in a course.

Start page, participants and their results, attempt and completion overrides,
announcements (``views``, ``participants``, ``overrides``, ``announcements``), and the
assessment side: open answers graded by hand, question pools and item analysis
(``grading*``, ``item_analysis``). Everything reads the learning projection and the LRS;
nothing here writes progress except through statements with the trainer as authority.
"""
