/usr/libexec/at-spi-bus-launcher --launch-immediately > /dev/null 2>&1 & bus=$!; sleep 1
NETDRIVE_DISCOVERY=none GIO_USE_VFS=local /work/wt-browseui/target/debug/netdrive-dialog-gtk --connect --timeout=15 < /dev/null > /tmp/browseui/dlg.out 2>&1 & dialog=$!
sleep 3
w=$(xdotool search --name "Map Network Drive" | head -1)
xdotool windowfocus --sync $w; xdotool key --window $w Tab; sleep 0.3; xdotool key --window $w Return; sleep 2
import -window root /tmp/browseui/shot.png 2>/dev/null || true
timeout 20 /usr/bin/python3 -u /work/wt-browseui/crates/netdrive-gtk/tests/a11y_tree.py 10 > /tmp/browseui/plain2.txt 2>&1; echo "plain rc $?"
xdotool key --window $w Right; sleep 1
timeout 20 /usr/bin/python3 -u /work/wt-browseui/crates/netdrive-gtk/tests/a11y_tree.py 10 > /tmp/browseui/plain3.txt 2>&1; echo "plain rc $?"
kill $dialog $bus
