//! OpenIOC search terms (`<Context search="...">`) and the MISP attribute types they map to.
//!
//! The table covers the terms found in the public OpenIOC corpora (FireEye/Mandiant APT
//! IOCs, the FireEye red-team countermeasures in the HX event dialect, Mandiant's
//! ioc_writer samples, the STIXProject samples) and their close relatives; it is informed
//! by PyMISP's `openioc.py` mapping, with MISP's dedicated types preferred where PyMISP
//! falls back to `pattern-in-memory` or `comment`. Matching ignores ASCII case.
//!
//! Choices worth knowing:
//! - file names, full paths and directory paths all become `filename` (MISP keeps paths
//!   there too); process names and paths, loaded modules and driver names likewise;
//! - DNS names are `domain` or `hostname` as [`iocdb_model::infer_type`] says (an IP
//!   address in a DNS term becomes `ip-dst`);
//! - URL-ish terms are `url` when the value has a scheme, `uri` (a request path) otherwise;
//! - descriptive values (command lines, registry data, event-log messages, PE metadata
//!   strings) are `text`, which iocdb never correlates for OpenIOC;
//! - content searches (strings in a file, YARA strings, the first bytes written) are
//!   `pattern-in-file`.

/// How the value of one search term becomes a typed attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mapping {
    /// Always this MISP attribute type.
    Type(&'static str),
    /// `domain` or `hostname`, whichever inference says (`ip-dst` for an IP address).
    DomainOrHostname,
    /// `url` when the value has a scheme (`http://...`), `uri` otherwise.
    UrlOrUri,
}

use Mapping::{DomainOrHostname, Type, UrlOrUri};

/// Every known search term and its mapping.
const TERMS: &[(&str, Mapping)] = &[
    // Files (MIR / Redline "FileItem").
    ("FileItem/Md5sum", Type("md5")),
    ("FileItem/Sha1sum", Type("sha1")),
    ("FileItem/Sha256sum", Type("sha256")),
    ("FileItem/FileName", Type("filename")),
    ("FileItem/FullPath", Type("filename")),
    ("FileItem/FilePath", Type("filename")),
    ("FileItem/FilenameCreated", Type("filename")),
    ("FileItem/FileExtension", Type("text")),
    ("FileItem/SizeInBytes", Type("size-in-bytes")),
    ("FileItem/StringList/string", Type("pattern-in-file")),
    ("FileItem/PEInfo/ImpHash", Type("imphash")),
    ("FileItem/PEInfo/PETimeStamp", Type("text")),
    ("FileItem/PEInfo/Type", Type("text")),
    ("FileItem/PEInfo/DetectedAnomalies/string", Type("text")),
    ("FileItem/PEInfo/DigitalSignature/CertificateSubject", Type("text")),
    ("FileItem/PEInfo/DigitalSignature/CertificateIssuer", Type("text")),
    ("FileItem/PEInfo/DigitalSignature/SignatureExists", Type("text")),
    ("FileItem/PEInfo/DigitalSignature/SignatureVerified", Type("text")),
    ("FileItem/PEInfo/Exports/DllName", Type("filename")),
    ("FileItem/PEInfo/Exports/ExportedFunctions/string", Type("text")),
    ("FileItem/PEInfo/Exports/NumberOfFunctions", Type("text")),
    ("FileItem/PEInfo/ImportedModules/Module/Name", Type("filename")),
    ("FileItem/PEInfo/ImportedModules/Module/ImportedFunctions/string", Type("text")),
    ("FileItem/PEInfo/ResourceInfoList/ResourceInfoItem/Name", Type("text")),
    ("FileItem/PEInfo/Sections/Section/Name", Type("text")),
    ("FileItem/PEInfo/VersionInfoList/VersionInfoItem/OriginalFilename", Type("filename")),
    ("FileItem/PEInfo/VersionInfoList/VersionInfoItem/InternalName", Type("filename")),
    ("FileItem/PEInfo/VersionInfoList/VersionInfoItem/FileDescription", Type("text")),
    ("FileItem/PEInfo/VersionInfoList/VersionInfoItem/CompanyName", Type("text")),
    ("FileItem/PEInfo/VersionInfoList/VersionInfoItem/ProductName", Type("text")),
    // Network.
    ("Network/DNS", DomainOrHostname),
    ("Network/URI", UrlOrUri),
    ("Network/UserAgent", Type("user-agent")),
    ("Network/String", Type("pattern-in-traffic")),
    ("DnsEntryItem/RecordName", DomainOrHostname),
    ("DnsEntryItem/Host", DomainOrHostname),
    ("DnsEntryItem/RecordData/Host", DomainOrHostname),
    ("DnsEntryItem/RecordData/IPv4Address", Type("ip-dst")),
    ("PortItem/remoteIP", Type("ip-dst")),
    ("PortItem/localIP", Type("ip-src")),
    ("PortItem/remotePort", Type("port")),
    ("PortItem/localPort", Type("port")),
    ("PortItem/process", Type("filename")),
    ("PortItem/path", Type("filename")),
    ("UrlHistoryItem/URL", UrlOrUri),
    ("UrlHistoryItem/HostName", DomainOrHostname),
    ("CookieHistoryItem/HostName", DomainOrHostname),
    ("FormHistoryItem/HostName", DomainOrHostname),
    // E-mail.
    ("Email/From", Type("email-src")),
    ("Email/To", Type("email-dst")),
    ("Email/ReplyTo", Type("email-reply-to")),
    ("Email/Subject", Type("email-subject")),
    ("Email/Attachment/Name", Type("email-attachment")),
    ("Email/Date", Type("text")),
    // Registry.
    ("RegistryItem/Path", Type("regkey")),
    ("RegistryItem/KeyPath", Type("regkey")),
    ("RegistryItem/Value", Type("text")),
    ("RegistryItem/ValueName", Type("text")),
    ("RegistryItem/Text", Type("text")),
    // Processes, handles, memory.
    ("ProcessItem/name", Type("filename")),
    ("ProcessItem/path", Type("filename")),
    ("ProcessItem/arguments", Type("text")),
    ("ProcessItem/Username", Type("text")),
    ("ProcessItem/Mutex", Type("mutex")),
    ("ProcessItem/Mutex/Name", Type("mutex")),
    ("ProcessItem/HandleList/Handle/Name", Type("mutex")),
    ("ProcessItem/HandleList/Handle/Type", Type("text")),
    ("ProcessItem/NamedPipe", Type("named pipe")),
    ("ProcessItem/Pipe/Name", Type("named pipe")),
    ("ProcessItem/StringList/string", Type("pattern-in-memory")),
    ("ProcessItem/SectionList/MemorySection/Name", Type("filename")),
    ("ProcessItem/SectionList/MemorySection/Injected", Type("text")),
    ("ProcessItem/SectionList/MemorySection/PEInfo/Exports/DllName", Type("filename")),
    // Services, drivers, hooks, tasks, users, event logs.
    ("ServiceItem/name", Type("windows-service-name")),
    ("ServiceItem/descriptiveName", Type("windows-service-displayname")),
    ("ServiceItem/description", Type("text")),
    ("ServiceItem/path", Type("filename")),
    ("ServiceItem/serviceDLL", Type("filename")),
    ("ServiceItem/serviceDLLmd5sum", Type("md5")),
    ("ServiceItem/serviceDLLsha1sum", Type("sha1")),
    ("ServiceItem/serviceDLLsha256sum", Type("sha256")),
    ("DriverItem/DriverName", Type("filename")),
    ("DriverItem/DeviceItem/DeviceName", Type("text")),
    ("DriverItem/DeviceItem/AttachedToDriverName", Type("filename")),
    ("DriverItem/DeviceItem/AttachedDeviceName", Type("text")),
    ("HookItem/HookedFunction", Type("text")),
    ("HookItem/HookedModule", Type("filename")),
    ("HookItem/HookingModule", Type("filename")),
    ("TaskItem/Name", Type("windows-scheduled-task")),
    ("TaskItem/AccountName", Type("text")),
    ("TaskItem/ActionList/Action/ExecProgramPath", Type("filename")),
    ("TaskItem/TriggerList/Trigger/TriggerFrequency", Type("text")),
    ("UserItem/Username", Type("text")),
    ("EventLogItem/message", Type("text")),
    ("EventLogItem/EID", Type("text")),
    ("EventLogItem/source", Type("text")),
    ("EventLogItem/type", Type("text")),
    // YARA and Snort.
    ("Yara/Yara", Type("yara")),
    ("Yara/TextString", Type("pattern-in-file")),
    ("Yara/HexString", Type("pattern-in-file")),
    ("Yara/RuleName", Type("text")),
    ("Snort/Snort", Type("snort")),
    // FireEye HX endpoint events (OpenIOC 1.1 "event" context).
    ("processEvent/md5", Type("md5")),
    ("processEvent/process", Type("filename")),
    ("processEvent/processPath", Type("filename")),
    ("processEvent/parentProcess", Type("filename")),
    ("processEvent/parentProcessPath", Type("filename")),
    ("processEvent/processCmdLine", Type("text")),
    ("processEvent/eventType", Type("text")),
    ("processEvent/username", Type("text")),
    ("eventItem/processEvent/process", Type("filename")),
    ("eventItem/processEvent/parentProcess", Type("filename")),
    ("eventItem/imageLoadEvent/fileName", Type("filename")),
    ("imageLoadEvent/fileName", Type("filename")),
    ("imageLoadEvent/filePath", Type("filename")),
    ("imageLoadEvent/fullPath", Type("filename")),
    ("imageLoadEvent/process", Type("filename")),
    ("fileWriteEvent/md5", Type("md5")),
    ("fileWriteEvent/fileName", Type("filename")),
    ("fileWriteEvent/filePath", Type("filename")),
    ("fileWriteEvent/fullPath", Type("filename")),
    ("fileWriteEvent/process", Type("filename")),
    ("fileWriteEvent/processPath", Type("filename")),
    ("fileWriteEvent/fileExtension", Type("text")),
    ("fileWriteEvent/textAtLowestOffset", Type("pattern-in-file")),
    ("fileWriteEvent/writes", Type("text")),
    ("urlMonitorEvent/requestUrl", UrlOrUri),
    ("urlMonitorEvent/hostname", DomainOrHostname),
    ("urlMonitorEvent/remoteIpAddress", Type("ip-dst")),
    ("urlMonitorEvent/userAgent", Type("user-agent")),
    ("urlMonitorEvent/urlMethod", Type("http-method")),
    ("urlMonitorEvent/httpHeader", Type("text")),
    ("urlMonitorEvent/process", Type("filename")),
    ("regKeyEvent/path", Type("regkey")),
    ("regKeyEvent/keyPath", Type("regkey")),
    ("regKeyEvent/valueName", Type("text")),
    ("regKeyEvent/text", Type("text")),
    ("regKeyEvent/valueType", Type("text")),
    ("regKeyEvent/hive", Type("text")),
    ("regKeyEvent/eventType", Type("text")),
    ("regKeyEvent/process", Type("filename")),
    ("ipv4NetworkEvent/remoteIP", Type("ip-dst")),
    ("ipv4NetworkEvent/localIP", Type("ip-src")),
    ("ipv4NetworkEvent/remotePort", Type("port")),
    ("ipv4NetworkEvent/process", Type("filename")),
    ("dnsLookupEvent/hostname", DomainOrHostname),
    ("dnsLookupEvent/process", Type("filename")),
];

/// The mapping of `search`, if the term is known (ASCII case ignored).
pub(super) fn lookup(search: &str) -> Option<Mapping> {
    let search = search.trim();
    TERMS.iter().find(|(term, _)| term.eq_ignore_ascii_case(search)).map(|(_, mapping)| *mapping)
}

#[cfg(test)]
mod tests {
    use super::*;
    use iocdb_model::AttrType;

    #[test]
    fn every_type_exists_in_misp() {
        for (term, mapping) in TERMS {
            if let Type(name) = mapping {
                assert!(AttrType::from_name(name).is_some(), "{term}: no MISP type {name}");
            }
        }
    }

    #[test]
    fn terms_are_unique() {
        for (i, (term, _)) in TERMS.iter().enumerate() {
            let again = TERMS.iter().skip(i + 1).find(|(t, _)| t.eq_ignore_ascii_case(term));
            assert!(again.is_none(), "{term} is listed twice");
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("fileitem/md5SUM"), Some(Type("md5")));
        assert_eq!(lookup(" Network/DNS "), Some(DomainOrHostname));
        assert_eq!(lookup("VolumeItem/DriveLetter"), None);
    }
}
