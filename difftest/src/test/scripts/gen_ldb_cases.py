# Writes the ldb-* differential case directories (signatures + inputs) under difftest/src/test/resources/cases.
# Deterministic; expected verdicts are not written: the harness asks clamscan.
import os, zipfile, io, shutil
import sys
ROOT=sys.argv[1] if len(sys.argv) > 1 else "difftest/src/test/resources/cases"
def hx(s): return s.encode('latin1').hex()
def case(topic, ldb_lines, inputs):
    d=os.path.join(ROOT,'ldb-'+topic)
    if os.path.exists(d): shutil.rmtree(d)
    os.makedirs(os.path.join(d,'inputs'))
    with open(os.path.join(d,topic+'.ldb'),'w',encoding='latin1') as f:
        f.write('\n'.join(ldb_lines)+'\n')
    for name,data in inputs.items():
        if isinstance(data,str): data=data.encode('latin1')
        with open(os.path.join(d,'inputs',name),'wb') as f: f.write(data)
BIN=b'\x00\xff\x00\xfe\n'
M=['MRK0','MRK1','MRK2','MRK3']
# --- logic
logic=[
 'Logic.And;Target:0;0&1;%s;%s'%(hx(M[0]),hx(M[1])),
 'Logic.Or;Target:0;0|1;%s;%s'%(hx(M[0]),hx(M[1])),
 'Logic.NoPrecedence;Target:0;0&1|2;%s;%s;%s'%(hx(M[0]),hx(M[1]),hx(M[2])),
 'Logic.Eq;Target:0;0=2;%s'%hx(M[0]),
 'Logic.Gt;Target:0;0>1;%s'%hx(M[0]),
 'Logic.Lt;Target:0;0<2&1;%s;%s'%(hx(M[0]),hx(M[1])),
 'Logic.Not;Target:0;0&1=0;%s;%s'%(hx(M[0]),hx(M[1])),
 'Logic.BlockSum;Target:0;(0|1)>2;%s;%s'%(hx(M[0]),hx(M[1])),
 'Logic.BlockDistinct;Target:0;(0|1|2)>1,2;%s;%s;%s'%(hx(M[0]),hx(M[1]),hx(M[2])),
 'Logic.BlockEq;Target:0;(0|1)=3,2;%s;%s'%(hx(M[0]),hx(M[1])),
 'Logic.Nested;Target:0;((0|1)>1,2|2)&3;%s;%s;%s;%s'%tuple(hx(m) for m in M),
 'Logic.LastOpInBlock;Target:0;(0&1|2);%s;%s;%s'%(hx(M[0]),hx(M[1]),hx(M[2])),
 'Logic.Spaces;Target:0;0 & 1 > 1;%s;%s'%(hx(M[0]),hx(M[1])),
 'Logic.EqZeroDistinct;Target:0;(0=0|1)>0,2;%s;%s'%(hx(M[0]),hx(M[1])),
]
import itertools
inputs={}
vecs=[(0,0,0,0),(1,0,0,0),(0,1,0,0),(1,1,0,0),(2,0,0,0),(2,1,0,0),(3,0,0,0),(0,0,1,0),(1,0,1,0),(0,1,1,0),
      (1,1,1,0),(1,1,1,1),(2,2,0,1),(0,3,0,1),(1,2,0,0),(0,0,1,1),(3,1,0,1),(0,2,0,0),(1,0,0,1),(0,0,0,1)]
for v in vecs:
    data=bytearray(BIN)
    for i,c in enumerate(v):
        for _ in range(c): data+=('<'+M[i]+'>\x00').encode()
    inputs['counts-'+''.join(map(str,v))+'.bin']=bytes(data)
case('logic',logic,inputs)
# --- modifiers
hello=hx('hello')
mods=[
 'Mod.Plain;Target:0;0;%s'%hello,
 'Mod.Nocase;Target:0;0;%s::i'%hello,
 'Mod.Wide;Target:0;0;%s::w'%hello,
 'Mod.WideAscii;Target:0;0;%s::wa'%hello,
 'Mod.Fullword;Target:0;0;%s::f'%hello,
 'Mod.FullwordWide;Target:0;0;%s::fw'%hello,
 'Mod.All;Target:0;0;%s::iwfa'%hello,
 'Mod.WideWildcard;Target:0;0;6865??6c6f::w',
 'Mod.WideGap;Target:0;0;6865{1}6c6f::w',
 'Mod.WideRange;Target:0;0;6865[1-2]6c6f::w',
 'Mod.WideNibble;Target:0;0;68656?6c6f::w',
 'Mod.WideAlt;Target:0;0;6865(6c|4c)6c6f::w',
 'Mod.NocaseNibble;Target:0;0;68656?6c6f::i',
 'Mod.FullwordRange;Target:0;0;6865[1-2]6c6f::f',
 'Mod.NocaseWideFull;Target:0;0;%s::iwf'%hello,
]
def w(s): return ''.join(c+'\x00' for c in s)
mi={'hello.bin':'\x00hello\x00','HeLLo.bin':'\x00HeLLo\x00','xhellox.bin':'\x00xhellox\x00','helloword.bin':'\x00hello_\x00',
    'wide.bin':'\x00'+w('hello')+'\x00','wideWORD.bin':'\x00'+w('HELLO')+'\x00','widex.bin':'\x00'+w('xhellox'),
    'wide-in-word.bin':'a'+w('hello')+'b','hexlo.bin':'\x00hexlo\x00','heLlo.bin':'\x00heLlo\x00','he-llo.bin':'\x00he-llo\x00',
    'hexxlo.bin':'\x00hexxlo\x00','wide-hexlo.bin':'\x00'+w('he')+'x'+w('lo'),'wide-hexxlo.bin':'\x00'+w('he')+'xx'+w('lo'),
    'wide-he3lo.bin':'\x00'+w('he')+'\x00\x00\x00'+w('lo'),'hello-at-start.bin':'hello\x00\x00','hello-at-end.bin':'\x00\x00hello',
    'wide-hello-end.bin':'\x00\x00'+w('hello')[:-1],'hePlo.bin':'\x00hePlo\x00','wide-heLlo.bin':'\x00'+w('heLlo')}
case('modifiers',mods,mi)
# --- offsets
mk=hx('OFFSETMK')
offs=[
 'Off.Abs0;Target:0;0;0:%s'%mk,'Off.Abs5;Target:0;0;5:%s'%mk,'Off.Abs5Shift3;Target:0;0;5,3:%s'%mk,
 'Off.EOF8;Target:0;0;EOF-8:%s'%mk,'Off.EOF10Shift2;Target:0;0;EOF-10,2:%s'%mk,'Off.Any;Target:0;0;*:%s'%mk,
 'Off.TwoSubs;Target:0;0&1;0:%s;EOF-8:%s'%(hx('\x00HEAD'),mk),
]
oi={}
for pos in [0,1,5,6,8,9]:
    for tail in [0,2,3]:
        oi['at%d-tail%d.bin'%(pos,tail)]=('\x00'*pos if pos else '')+'OFFSETMK'+'\x00'*tail
oi['head.bin']='\x00HEADxxOFFSETMK'
case('offsets',offs,oi)
# --- pcre
pc=[('0/abc/','xxabcxxabc'),('0/abc/g','abcabc'),('6:0/abc/g','abcabcxabc'),('8:0/abc/','xxabc'),('7:0/abc/','xxabc'),
    ('7:0/abc/r','xxabc'),('6,5:0/abc/','xxabc'),('6,1:0/abc/','xxabc'),('6,4:0/abc/e','xxabcxx'),('6,5:0/abc/e','xxabcxx'),
    ('0/ABC/i','xxabc'),('0/a.c/s','a\nc'),('0/^abc/m','x\nabc'),('0/abc$/E','abc\n'),('0/a b c/x','abc'),('0/a+/gU','aaa'),
    ('0/abc/A','abc'),('0/\\bfoo\\b/g','foo foobar foo'),('EOF-3:0/abc/','abcabc'),('0/\\x3B/','a;b'),('0/(?<n>ab)\\k<n>/','abab')]
lines=[];pi={}
for j,(sub,txt) in enumerate(pc):
    for n in (1,2,3):
        lines.append('Pcre.%d.eq%d;Target:0;0&1=%d;a75c00e3;%s'%(j,n,n,sub))
    lines.append('Pcre.%d.none;Target:0;0&1=0;a75c00e3;%s'%(j,sub))
    pi['p%02d.bin'%j]=b'\x00\xff\xa7\x5c\x00\xe3'+txt.encode('latin1')
    pi['p%02d-miss.bin'%j]=b'\x00\xff\xa7\x5c\x00\xe3'+txt.replace('b','B').encode('latin1')
case('pcre',lines,pi)
# --- byte compare
bc=[('0(>>4#hb2#=18)','12'),('0(>>4#hl4#=0x3412)','1234'),('0(>>4#hl3#=0x2301)','123'),('0(>>4#db3#=123)','123'),
    ('0(>>4#db4#=123)',' 123'),('0(>>4#dbe4#=123)',' 123'),('0(>>4#ib2#=0x4142)','AB'),('0(>>4#il2#=0x4241)','AB'),
    ('0(>>4#ab4#=31)','0x1f'),('0(<<1#ib1#=255)',''),('0(>>4#hb2#>10,<20)','12'),('0(>>4#h2#=18)','12'),
    ('0(>>4#hb6#=4660)','0x1234'),('0(>>4#db3#=0)','abc'),('0(>>0x4#hb2#=18)','12')]
lines=[];bi={}
for j,(sub,txt) in enumerate(bc):
    lines.append('Bcomp.%d;Engine:81-255,Target:0;0&1;a75c00e3;%s'%(j,sub))
    lines.append('Bcomp.%d.not;Engine:81-255,Target:0;0&1=0;a75c00e3;%s'%(j,sub))
    bi['b%02d.bin'%j]=b'\x00\xff\xa7\x5c\x00\xe3'+txt.encode('latin1')
    bi['b%02d-other.bin'%j]=b'\x00\xff\xa7\x5c\x00\xe3'+txt.replace('1','7').replace('A','C').encode('latin1')
case('bytecompare',lines,bi)
# --- target description
m=hx('TDBMARK')
tdb=['Tdb.Target0;Target:0;0;%s'%m,'Tdb.Size;Engine:51-255,Target:0,FileSize:10-20;0;%s'%m,
     'Tdb.SizeExact;Engine:51-255,Target:0,FileSize:12-12;0;%s'%m,
     'Tdb.EngineOut;Engine:1-100,Target:0;0;%s'%m,'Tdb.EngineIn;Engine:100-255,Target:0;0;%s'%m,
     'Tdb.UnknownKey;Engine:81-255,Target:0,Whatever:1;0;%s'%m,'Tdb.Target15;Target:15;0;%s'%m,
     'Tdb.ContainerAny;Engine:81-255,Target:0,Container:CL_TYPE_ANY;0;%s'%m,
     'Tdb.ContainerZip;Engine:81-255,Target:0,Container:CL_TYPE_ZIP;0;%s'%m,
     'Tdb.IntermediatesZip;Engine:81-255,Target:0,Intermediates:CL_TYPE_ZIP;0;%s'%m,
     'Tdb.IntermediatesAny;Engine:81-255,Target:0,Intermediates:CL_TYPE_ANY;0;%s'%m,
     'Tdb.Text;Target:7;0;%s'%hx('tdbmark'),'Tdb.Graphics;Target:5;0;%s'%m,'Tdb.UnknownType;Engine:81-255,Target:0,Container:CL_TYPE_FOO;0;%s'%m]
ti={'plain.bin':'\x00\x01TDBMARK\x00','size12.bin':'\x00\x01TDBMARK\x00\x00\x00','size25.bin':'\x00\x01TDBMARK'+'\x00'*16,
    'text.txt':'hello TDBMARK world\n','lower.txt':'hello tdbmark world\n'}
buf=io.BytesIO()
with zipfile.ZipFile(buf,'w',zipfile.ZIP_STORED) as z:
    z.writestr(zipfile.ZipInfo('inner.bin', date_time=(2020, 1, 1, 0, 0, 0)), b'\x00\x01TDBMARK\x00')
ti['archive.zip']=buf.getvalue()
case('tdb',tdb,ti)
print('ok')
