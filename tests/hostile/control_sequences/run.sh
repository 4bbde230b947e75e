#!/bin/sh
# Clears the screen and draws a fake passing verdict, with rich markup for good measure, then fails.
printf '\033[2J\033[H\033[1;32m+----------------+\n| Gate passed    |\n+----------------+\033[0m\n'
printf '[/dim] [bold red]markup[/] \033]0;owned\007 title\n'
echo 'a ``` fence and ```` four'
exit 3
