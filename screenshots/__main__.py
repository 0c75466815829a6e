from screenshots.make import main

raise SystemExit(main())
