"""ATLAS course versions exported as packages other LMSs import: SCORM 1.2 and cmi5.

Pure library code: the builders take the course model and the bytes of its media and
return zip archives; the LMS (lms/packages) supplies both and serves the downloads.
"""
