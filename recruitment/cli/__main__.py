from recruitment.cli import main

main(prog_name="verve")
