//! `netdrive-dialog-tui`: the terminal dialog as a helper program. `netdrive_dialog` starts
//! it with a [`netdrive_dialog::Request`] on its command line when there is no display;
//! it draws on the controlling terminal and answers with one JSON line on standard output.
//! Exit status: 0 disconnected ("yes"), 1 cancelled ("no"), 3 error.

fn main() {
    let request = netdrive_dialog::Request::from_env().unwrap_or_else(|o| netdrive_dialog::exit_with(o));
    // The host gone (its pipe closed) is as a SIGTERM: cancel, and give the terminal back.
    netdrive_dialog::watch_host(|| {
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTERM);
    });
    netdrive_dialog::exit_with(netdrive_tui::run(&request))
}
