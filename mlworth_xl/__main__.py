"""``python -m mlworth_xl`` runs the ``mlworth-xl`` command."""

from mlworth_xl.launch import main

if __name__ == "__main__":
    main()
