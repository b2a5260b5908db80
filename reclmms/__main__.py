import sys

from reclmms.cli import main

sys.exit(main())
