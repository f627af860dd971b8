"""`python -m j1sync`: the same command line as the `j1sync` script."""

from j1sync.entry import main

if __name__ == "__main__":
    main()
