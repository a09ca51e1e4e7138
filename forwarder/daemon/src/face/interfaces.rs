//! The network interfaces multicast faces go on when none are configured, as NFD picks them:
//! up, multicast-capable and not loopback. Read from `getifaddrs`, so in the network namespace
//! of the calling thread.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::interface_filter::InterfaceInfo;

/// Call `f(name, address)` for each address of each interface that is up, multicast-capable
/// and not loopback (one call per address family an interface has).
fn for_each_multicast_interface(mut f: impl FnMut(&str, &libc::sockaddr)) -> std::io::Result<()> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs stores the head of a list it allocates in `head`; the list is read
    // below and freed once with freeifaddrs.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::getifaddrs(&mut head) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let wanted = (libc::IFF_UP | libc::IFF_MULTICAST) as u32;
    let mut at = head;
    while !at.is_null() {
        // SAFETY: `at` is a node of the list getifaddrs returned, alive until freeifaddrs; its
        // name is a NUL-terminated string and its address, when not null, a sockaddr.
        #[allow(unsafe_code)]
        unsafe {
            let ifa = &*at;
            if ifa.ifa_flags & wanted == wanted
                && ifa.ifa_flags & libc::IFF_LOOPBACK as u32 == 0
                && !ifa.ifa_addr.is_null()
            {
                let name = std::ffi::CStr::from_ptr(ifa.ifa_name).to_string_lossy();
                f(&name, &*ifa.ifa_addr);
            }
            at = ifa.ifa_next;
        }
    }
    // SAFETY: `head` came from getifaddrs and is freed once; nothing read from it is kept.
    #[allow(unsafe_code)]
    unsafe {
        libc::freeifaddrs(head)
    };
    Ok(())
}

/// (name, IPv4 address) of the interfaces a UDP multicast face can go on, in the system's
/// order.
pub fn ipv4_multicast_interfaces() -> std::io::Result<Vec<(String, Ipv4Addr)>> {
    let mut found = Vec::new();
    for_each_multicast_interface(|name, addr| {
        if i32::from(addr.sa_family) == libc::AF_INET {
            // SAFETY: an address of family AF_INET is a sockaddr_in.
            #[allow(unsafe_code)]
            let sin = unsafe { &*std::ptr::from_ref(addr).cast::<libc::sockaddr_in>() };
            found.push((
                name.to_owned(),
                Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
            ));
        }
    })?;
    Ok(found)
}

/// (name, link-local IPv6 address, index) of the interfaces a UDP IPv6 multicast face can go on,
/// the first link-local address of each, in the system's order.
pub fn ipv6_multicast_interfaces() -> std::io::Result<Vec<(String, Ipv6Addr, u32)>> {
    let mut found: Vec<(String, Ipv6Addr, u32)> = Vec::new();
    for_each_multicast_interface(|name, addr| {
        if i32::from(addr.sa_family) == libc::AF_INET6 {
            // SAFETY: an address of family AF_INET6 is a sockaddr_in6.
            #[allow(unsafe_code)]
            let sin6 = unsafe { &*std::ptr::from_ref(addr).cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            if ip.is_unicast_link_local() && !found.iter().any(|(n, _, _)| n == name) {
                found.push((name.to_owned(), ip, sin6.sin6_scope_id));
            }
        }
    })?;
    Ok(found)
}

/// Names of the interfaces an Ethernet multicast face can go on (those with a link-layer
/// address), in the system's order.
pub fn ethernet_multicast_interfaces() -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    for_each_multicast_interface(|name, addr| {
        if i32::from(addr.sa_family) == libc::AF_PACKET && !found.iter().any(|n| n == name) {
            found.push(name.to_owned());
        }
    })?;
    Ok(found)
}

/// What whitelist and blacklist rules see of each interface that is up, multicast-capable and
/// not loopback: its name, link-layer address and IP addresses, in the system's order.
pub fn multicast_interface_info() -> std::io::Result<Vec<InterfaceInfo>> {
    let mut found: Vec<InterfaceInfo> = Vec::new();
    for_each_multicast_interface(|name, addr| {
        let i = match found.iter().position(|f| f.name == name) {
            Some(i) => i,
            None => {
                found.push(InterfaceInfo {
                    name: name.to_owned(),
                    ..InterfaceInfo::default()
                });
                found.len() - 1
            }
        };
        let Some(info) = found.get_mut(i) else {
            return;
        };
        match i32::from(addr.sa_family) {
            libc::AF_INET => {
                // SAFETY: an address of family AF_INET is a sockaddr_in.
                #[allow(unsafe_code)]
                let sin = unsafe { &*std::ptr::from_ref(addr).cast::<libc::sockaddr_in>() };
                let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                info.addresses.push(ip.into());
            }
            libc::AF_INET6 => {
                // SAFETY: an address of family AF_INET6 is a sockaddr_in6.
                #[allow(unsafe_code)]
                let sin6 = unsafe { &*std::ptr::from_ref(addr).cast::<libc::sockaddr_in6>() };
                info.addresses
                    .push(Ipv6Addr::from(sin6.sin6_addr.s6_addr).into());
            }
            libc::AF_PACKET => {
                // SAFETY: an address of family AF_PACKET is a sockaddr_ll.
                #[allow(unsafe_code)]
                let sll = unsafe { &*std::ptr::from_ref(addr).cast::<libc::sockaddr_ll>() };
                if sll.sll_halen == 6 {
                    let mut mac = [0u8; 6];
                    mac.copy_from_slice(&sll.sll_addr[..6]);
                    info.mac = Some(mac);
                }
            }
            _ => {}
        }
    })?;
    Ok(found)
}
