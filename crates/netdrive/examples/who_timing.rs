//! The scan alone, for bench/run: `netdrive::who_uses` on a drive N times, printing the
//! median in milliseconds and the number of uses found. Usage: who_timing MOUNT_POINT [ROUNDS]
fn main() {
    let mut args = std::env::args_os().skip(1);
    let Some(target) = args.next() else {
        eprintln!("usage: who_timing MOUNT_POINT [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|a| a.to_str()?.parse().ok()).unwrap_or(15);
    let conns = netdrive::list(netdrive::Scope::Connected).unwrap_or_default();
    let Ok(conn) = netdrive::resolve(&conns, &target) else {
        eprintln!("who_timing: not a network drive");
        std::process::exit(2);
    };
    let mut times = Vec::with_capacity(rounds);
    let mut found = 0;
    for _ in 0..rounds {
        let start = std::time::Instant::now();
        found = netdrive::who_uses(conn, std::time::Duration::from_secs(10))
            .map(|u| u.holders.len())
            .unwrap_or(0);
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!("{:.3} {found}", times[times.len() / 2]);
}
