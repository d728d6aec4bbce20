"""``python -m authoring validate|build|new|preview …``."""

import sys

from authoring.cli import main

sys.exit(main())
