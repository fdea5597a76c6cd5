from fundcenter.cli import main

raise SystemExit(main())
