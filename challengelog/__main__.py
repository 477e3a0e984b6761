from challengelog.cli import main

main()
