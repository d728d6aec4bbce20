"""Content packages from outside: SCORM 1.2/2004 and cmi5 played as lessons, ATLAS courses
exported as packages for other LMSs."""
